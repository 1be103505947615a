import CoreMetrics
import Foundation

import Glibc

/// Zero-downtime reload (SIGHUP, `octoai reload`): a new generation of processes
/// comes up beside the serving one, on a new socket; once its model is loaded the
/// new socket is renamed over the package path (atomically: nginx's next connect
/// reaches the new generation), and the old generation drains and exits. If the
/// new model fails to load, the old generation keeps serving. A `--listen` port
/// cannot be renamed over: Supervisor+TCPReload.swift keeps it open instead.
extension Supervisor {
    func beginReload() {
        guard shutdown == nil else { return }
        guard reload == nil else {
            logger.warning("SIGHUP: a reload is already in progress")
            return
        }
        let next = generation + 1
        var temporary = ""
        do {
            switch config.endpoint {
            case let .unix(path, mode):
                temporary = path + ".reload"
                listeners[next] = Descriptor.moveHigh(try UnixSocket.listen(path: temporary, mode: mode_t(mode)))
                if let group = config.socketGroup { try UnixSocket.setGroup(path: temporary, name: group) }
            case .tcp:
                try openTCPReloadListener(for: next)
            }
        } catch {
            logger.error("reload failed: \(String(describing: error)); generation \(generation) keeps serving")
            return
        }
        reload = (next, temporary)
        notifier?.reloadBegan(generation: next)
        logger.info("reload: starting generation \(next) beside generation \(generation)")
        if config.asyncEnable {
            startChild(.modelOwner, index: 0, generation: next)
        } else {
            for index in 1...config.workers { startChild(.responder, index: index, generation: next) }
        }
    }

    /// Called when a child of the coming generation reports: starts its
    /// responders once its model is loaded, switches over once they are ready.
    func advanceReload() {
        guard let reload else { return }
        let coming = children.values.filter { $0.generation == reload.generation }
        if config.asyncEnable {
            guard coming.contains(where: { $0.role == .modelOwner && $0.ready }) else { return }
            if !coming.contains(where: { $0.role == .responder }) {
                for index in 1...config.workers { startChild(.responder, index: index, generation: reload.generation) }
            }
            completeReload()
        } else if coming.filter({ $0.role == .responder && $0.ready }).count == config.workers {
            completeReload()
        }
    }

    func completeReload() {
        guard let reload else { return }
        if case let .unix(path, _) = config.endpoint {
            guard rename(reload.path, path) == 0 else {
                abortReload("cannot move the new socket into place: \(String(cString: strerror(errno)))")
                return
            }
        } else if let failure = switchTCPListener(to: reload.generation) {
            abortReload("cannot switch the port to the new listener: \(failure)")
            return
        }
        let old = generation
        generation = reload.generation
        futures?.ownerChanged(to: ownerSocket(generation))
        self.reload = nil
        ownerBackoff = Backoff()
        responderBackoff = Backoff()
        retiring.insert(old)
        // Connections already queued on the old socket are still accepted meanwhile.
        retireAt.append((MonotonicClock.nanoseconds() + 500_000_000, old))
        logger.info("reload: generation \(generation) is serving; generation \(old) drains")
        Counter(label: MetricName.reloads).increment()
        updateReadiness()
        notifier?.reloadEnded(serving: generation, state: state)
    }

    /// Stops the coming generation; the serving one is untouched.
    func abortReload(_ reason: String) {
        guard let reload else { return }
        logger.error("reload failed (\(reason)); generation \(generation) keeps serving")
        for child in children.values where child.generation == reload.generation { kill(child.pid, SIGKILL) }
        if let listener = listeners.removeValue(forKey: reload.generation) { close(listener) }
        if !reload.path.isEmpty { unlink(reload.path) }
        self.reload = nil
        notifier?.reloadEnded(serving: generation, state: state)
    }

    /// Stops the old generation accepting and lets its responders drain.
    func retireGeneration(_ old: Int) {
        if let listener = listeners.removeValue(forKey: old) {
            Glibc.shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
        for child in children.values where child.generation == old && child.role == .responder { kill(child.pid, SIGTERM) }
        retireOwnerWhenDrained(old)
    }

    /// The old model owner stops once no responder of its generation needs it.
    func retireOwnerWhenDrained(_ old: Int) {
        guard listeners[old] == nil else { return }
        let remaining = children.values.filter { $0.generation == old }
        if !remaining.contains(where: { $0.role == .responder }) {
            for child in remaining where child.role == .modelOwner { kill(child.pid, SIGTERM) }
        }
        if remaining.isEmpty {
            retiring.remove(old)
            unlink(ownerSocket(old))
        }
    }
}

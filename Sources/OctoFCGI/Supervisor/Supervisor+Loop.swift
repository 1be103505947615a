import Foundation

import Glibc

extension Supervisor {
    /// One turn of the event loop: wait for a signal, a report or the next timer.
    func step() {
        var fds = [pollfd(fd: signalPipeRead, events: Int16(POLLIN), revents: 0)]
        let watched = children.values.map(\.pid)
        for pid in watched { fds.append(pollfd(fd: children[pid]!.reportFD, events: Int16(POLLIN), revents: 0)) }
        let rc = poll(&fds, nfds_t(fds.count), pollTimeout())
        if rc > 0 {
            if fds[0].revents != 0 { drainSignals() }
            for (i, pid) in watched.enumerated() where fds[i + 1].revents != 0 { readReports(from: pid) }
        }
        runTimers()
    }

    func pollTimeout() -> Int32 {
        var next = (scheduled.map(\.at) + retireAt.map(\.at)).min()
        if let shutdown { next = min(next ?? shutdown.deadline, shutdown.deadline) }
        guard let next else { return 1000 }
        let now = MonotonicClock.nanoseconds()
        return next <= now ? 0 : Int32(min(1000, (next - now) / 1_000_000 + 1))
    }

    func drainSignals() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(signalPipeRead, &buffer, buffer.count)
            guard n > 0 else { return }
            for sig in buffer[0..<n].map(Int32.init) {
                switch sig {
                case SIGCHLD: reapChildren()
                case SIGTERM, SIGINT: beginShutdown(exitCode: 0, reason: sig == SIGTERM ? "SIGTERM" : "SIGINT")
                case SIGHUP: beginReload()
                default: break
                }
            }
        }
    }

    func readReports(from pid: pid_t) {
        guard var child = children[pid] else { return }
        guard let reports = child.readReports() else { return }  // EOF: the exit arrives as SIGCHLD
        child.record(reports)
        if child.setupStarted, child.role == .modelOwner, child.generation == generation, state == .launchPredictLoop { state = .setupService }
        children[pid] = child
        if child.generation == reload?.generation {
            advanceReload()
        } else {
            updateReadiness()
        }
    }

    /// `RUNNING` once the model is loaded: the owner's `setup()` returned, or in
    /// sync mode every responder's.
    func updateReadiness() {
        guard shutdown == nil else { return }
        let ready: Bool
        let current = children.values.filter { $0.generation == generation }
        if config.asyncEnable {
            ready = current.contains { $0.role == .modelOwner && $0.ready }
        } else {
            ready = current.filter { $0.role == .responder && $0.ready }.count == config.workers
        }
        if ready {
            state = .running
        } else if state == .running {
            state = config.asyncEnable ? .launchPredictLoop : .setupService
        }
    }

    func runTimers() {
        let now = MonotonicClock.nanoseconds()
        let due = scheduled.filter { $0.at <= now }
        scheduled.removeAll { $0.at <= now }
        for start in due where shutdown == nil && start.generation == generation {
            startChild(start.role, index: start.index, generation: start.generation)
        }
        let retire = retireAt.filter { $0.at <= now }
        retireAt.removeAll { $0.at <= now }
        for old in retire { retireGeneration(old.generation) }
        if let shutdown, now >= shutdown.deadline { escalateShutdown() }
    }

    /// True once every child is gone after a shutdown began.
    func finished() -> Bool {
        guard shutdown != nil else { return false }
        if children.values.contains(where: { $0.role == .responder }) { return false }
        if config.asyncEnable, !children.isEmpty, shutdown?.ownerSignalled == false { signalOwnerToStop() }
        return children.isEmpty
    }
}

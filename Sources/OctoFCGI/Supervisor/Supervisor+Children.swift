import CoreMetrics
import Foundation

import Glibc

extension Supervisor {
    func startChild(_ role: ChildConfig.Role, index: Int, generation: Int) {
        let childConfig = ChildConfig(role: role, index: index, ownerSocket: ownerSocket(generation), serve: config)
        guard let report = try? UnixSocket.makePipe() else {
            logger.error("cannot create a pipe; retrying \(childConfig.title) in 1 s")
            scheduled.append((MonotonicClock.nanoseconds() + 1_000_000_000, role, index, generation))
            return
        }
        let reportWrite = Descriptor.moveHigh(report.write)
        var fds: [(Int32, Int32)] = [(status.fd, InheritedFD.status), (lifelineRead, InheritedFD.lifeline), (reportWrite, InheritedFD.report)]
        if role == .responder, let listener = listeners[generation] { fds.append((listener, InheritedFD.listener)) }
        // Large allocations (request bodies, uploads): octoai's children reuse them while
        // requests come and give them back when quiet; an interpreter, which does not
        // trim its heap, maps each one (``MallocPolicy``).
        let inherited = ProcessInfo.processInfo.environment
        var environment = role == .modelOwner && config.python != nil
            ? MallocPolicy.mappingLargeAllocations(inherited) : MallocPolicy.reusingLargeAllocations(inherited)
        environment[ChildConfig.environmentKey] = childConfig.encoded
        if role == .modelOwner { status.ownerGeneration += 1 }
        // Every child is this binary in its role, but a Python service's model
        // owner: its interpreter running the host (it takes the same descriptors,
        // configuration and signals, and sets the same title itself).
        var (path, arguments) = (ProcessSpawner.executablePath, [childConfig.title])
        if role == .modelOwner, let python = config.python {
            if service == nil {  // the first owner of a service nothing described: it writes the description
                environment["OCTOAI_DESCRIBE_TO"] = python.descriptionPath
                if python.describeCacheEntry != nil { environment["OCTOAI_DESCRIBE_INPUTS"] = python.inputsPath }
            }
            (path, arguments, environment) = PythonHost.command(python, ["serve"], environment: environment)
        }
        do {
            let pid = try ProcessSpawner.spawn(
                path: path, arguments: arguments, environment: environment, fds: fds, blocked: SignalPolicy.controlSignals)
            close(reportWrite)
            children[pid] = ChildProcess(pid: pid, role: role, index: index, generation: generation, reportFD: report.read)
            logger.debug("started \(childConfig.title) (pid \(pid))")
        } catch {
            close(reportWrite)
            close(report.read)
            logger.error("cannot start \(childConfig.title): \(String(describing: error)); retrying in 1 s")
            scheduled.append((MonotonicClock.nanoseconds() + 1_000_000_000, role, index, generation))
        }
    }

    func reapChildren() {
        while true {
            var rawStatus: Int32 = 0
            let pid = waitpid(-1, &rawStatus, WNOHANG)
            guard pid > 0 else { return }
            guard var child = children.removeValue(forKey: pid) else { continue }
            // Reports written just before exiting (FAILED ...) are still in the pipe.
            child.record(child.readReports() ?? [])
            close(child.reportFD)
            childExited(child, how: Supervisor.describe(rawStatus))
        }
    }

    func childExited(_ child: ChildProcess, how: String) {
        let title = child.role == .modelOwner ? "model owner" : "responder \(child.index)"
        let ranFor = Double(MonotonicClock.nanoseconds() - child.startedAt) / 1e9
        guard shutdown == nil, child.generation == generation else {
            logger.debug("\(title) (pid \(child.pid), generation \(child.generation)) \(how)")
            if retiring.contains(child.generation) { retireOwnerWhenDrained(child.generation) }
            if child.generation == reload?.generation { abortReload("\(title) \(how)\(child.setupFailure.map { ": " + $0 } ?? "")") }
            return
        }
        let ownsModel = child.role == .modelOwner || !config.asyncEnable
        if let failure = child.setupFailure, ownsModel {
            setupFailures += 1
            guard setupFailures <= config.setupRetries else {
                logger.error("setup failed in \(title): \(failure)")
                beginShutdown(exitCode: 1, reason: "setup failed")
                return
            }
            let delay = Double(1 << min(setupFailures - 1, 6))
            logger.error("setup failed in \(title): \(failure); retry \(setupFailures) of \(config.setupRetries) in \(delay) s")
            schedule(child, after: delay)
        } else {
            var backoff = child.role == .modelOwner ? ownerBackoff : responderBackoff
            let delay = backoff.nextDelay(ranFor: ranFor)
            if child.role == .modelOwner { ownerBackoff = backoff } else { responderBackoff = backoff }
            logger.error("\(title) (pid \(child.pid)) \(how); restarting in \(delay) s")
            if child.role == .modelOwner { Counter(label: MetricName.modelRestarts).increment() }
            schedule(child, after: delay)
        }
        updateReadiness()
        if ownsModel, state != .running { state = config.asyncEnable ? .launchPredictLoop : .setupService }
    }

    func schedule(_ child: ChildProcess, after seconds: Double) {
        scheduled.append((MonotonicClock.nanoseconds() + UInt64(seconds * 1e9), child.role, child.index, child.generation))
    }

    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(signal)"
    }

    /// SIGTERM/SIGINT, or a fatal setup failure: stop accepting, let responders
    /// drain, then stop the model owner.
    func beginShutdown(exitCode: Int32, reason: String) {
        guard shutdown == nil else { return }
        logger.info("shutting down (\(reason))")
        state = .shuttingDown
        scheduled.removeAll()
        retireAt.removeAll()
        if reload != nil { abortReload("shutting down") }
        // Wakes every responder thread blocked in accept() and refuses new connections.
        for listener in listeners.values {
            Glibc.shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
        listeners.removeAll()
        if case let .unix(path, _) = config.endpoint { unlink(path) }
        let deadline = MonotonicClock.nanoseconds() + UInt64((config.drainTimeout + 2) * 1e9)
        shutdown = (exitCode, deadline, false)
        for child in children.values where child.role == .responder { kill(child.pid, SIGTERM) }
    }

    func signalOwnerToStop() {
        shutdown?.ownerSignalled = true
        shutdown?.deadline = MonotonicClock.nanoseconds() + 10_000_000_000
        for child in children.values where child.role == .modelOwner { kill(child.pid, SIGTERM) }
    }

    /// A child that ignored its deadline is killed.
    func escalateShutdown() {
        for child in children.values {
            logger.warning("pid \(child.pid) did not stop in time; killing it")
            kill(child.pid, SIGKILL)
        }
        shutdown?.deadline = MonotonicClock.nanoseconds() + 5_000_000_000
    }
}

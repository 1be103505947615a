import Foundation

import Glibc

extension Supervisor {
    /// For a Python service that nothing described before this start (the describe
    /// cache had no current entry): starts the first model owner, which writes the
    /// description right after its import, and waits for it before anything
    /// listens. A first start then imports the service once, where describing it
    /// in the command line first imported it twice in a row (bench/PYTHON_RESULTS.md:
    /// 2,993 ms against 1,308 ms from the cache). What cannot be served is still
    /// one `octoai: ...` line and exit status 1 before the socket exists. The owner
    /// goes on to `setup()` while the socket is bound and the responders start.
    ///
    /// Returns nil once ``service`` is set (the owner stays in ``children``), else
    /// the exit status to stop with: the owner could not describe the service (it
    /// said why), or a signal stopped us first.
    func describeWithFirstOwner() -> Int32? {
        guard let python = config.python else { return 1 }
        startChild(.modelOwner, index: 0, generation: generation)
        guard let pid = children.first(where: { $0.value.role == .modelOwner })?.key else {
            return fail("cannot start the Python model owner (\(python.interpreter))")
        }
        while true {
            var fds = [pollfd(fd: signalPipeRead, events: Int16(POLLIN), revents: 0), pollfd(fd: children[pid]!.reportFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 1000) > 0 else { continue }
            if fds[1].revents != 0 {
                guard let reports = children[pid]!.readReports() else { return firstOwnerExited(pid, how: awaitExit(pid, options: 0)) }
                children[pid]!.record(reports)
                if children[pid]!.described { return adoptDescription(python) ? nil : 1 }
            }
            if fds[0].revents != 0, let code = signalsWhileDescribing(pid) { return code }
        }
    }

    /// Reads what the owner wrote and checks it against the configuration; false
    /// (the owner stopped, the reason printed) when it cannot be served.
    private func adoptDescription(_ python: PythonModule) -> Bool {
        do {
            let described = try PythonHost.described(python)
            if let refusal = described.concurrencyRefusal(config.modelConcurrency) { throw PythonHost.Failure(description: refusal) }
            service = described
            config.service = described.name
            config.python = described.python
            // For the owners started from now on; the first one ran itself again with them.
            AssetVolume.exportVariables(for: described)
            logger.debug("\(described.name) described by its first model owner")
            return true
        } catch {
            stopFirstOwner()
            _ = fail("\(error)")
            return false
        }
    }

    /// SIGTERM or SIGINT stop the start (exit status 0; nothing was served), an
    /// exited owner fails it, SIGHUP waits (there is nothing to reload yet).
    private func signalsWhileDescribing(_ pid: pid_t) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 64)
        var code: Int32?
        while case let n = read(signalPipeRead, &buffer, buffer.count), n > 0 {
            for sig in buffer[0..<n].map(Int32.init) where code == nil {
                if sig == SIGTERM || sig == SIGINT {
                    stopFirstOwner()
                    code = 0
                } else if sig == SIGCHLD, let how = awaitExit(pid, options: WNOHANG) {
                    code = firstOwnerExited(pid, how: how)
                }
            }
        }
        return code
    }

    /// The owner exited before it described the service: when it said why (one
    /// `octoai: ...` line, `FAILED` on its report pipe) there is nothing to add.
    private func firstOwnerExited(_ pid: pid_t, how: String?) -> Int32 {
        guard var child = children.removeValue(forKey: pid) else { return 1 }
        // A FAILED line written just before exiting may still be in the pipe.
        child.record(child.readReports() ?? [])
        close(child.reportFD)
        if child.setupFailure != nil { return 1 }
        return fail("the Python model owner \(how ?? "exited") before it described the service")
    }

    /// `waitpid` for `pid`: how it ended, nil when it has not (with `WNOHANG`).
    private func awaitExit(_ pid: pid_t, options: Int32) -> String? {
        var status: Int32 = 0
        guard waitpid(pid, &status, options) == pid else { return nil }
        return Supervisor.describe(status)
    }

    /// Kills a model owner started before the socket was bound (it has served nothing) and reaps it.
    func stopFirstOwner() {
        for (pid, child) in children where child.role == .modelOwner {
            kill(pid, SIGKILL)
            _ = awaitExit(pid, options: 0)
            close(child.reportFD)
            children[pid] = nil
        }
    }

    /// One `octoai: ...` line on stderr, as the command line says what it cannot serve; returns 1.
    private func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("octoai: \(message)\n".utf8))
        return 1
    }
}

import Foundation

import Glibc

/// Starts child processes with `posix_spawn`, handing down chosen descriptors at
/// fixed numbers and nothing else (everything else we open is close-on-exec).
enum ProcessSpawner {
    /// The running executable, so every child has the same service types.
    static let executablePath: String = {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Spawns `path` with `arguments` (argv[0] first) and `environment`, the
    /// descriptors in `fds` duplicated to their target numbers, and the signal
    /// dispositions reset (ours ignore signals a child must see).
    ///
    /// The child starts with exactly `blocked` blocked (nothing by default). The
    /// supervisor's children, which take their control signals with `sigwait`
    /// (``SignalPolicy``), start with those blocked in every thread they will
    /// have: threads that library constructors start before `main` (OpenBLAS
    /// starts one) would otherwise have them unblocked, and a SIGTERM delivered to
    /// such a thread ran the no-op handler instead of waking `sigwait`, so a
    /// child told to stop early never stopped.
    static func spawn(
        path: String, arguments: [String], environment: [String: String], fds: [(source: Int32, target: Int32)] = [], blocked signals: [Int32] = []
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in fds {
            precondition(source != target, "descriptors handed to children are kept above the fixed numbers")
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for sig in signals { sigaddset(&blocked, sig) }
        posix_spawnattr_setsigmask(&attributes, &blocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGUSR1, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw UnixSocket.Failure(call: "posix_spawn \(path)", code: rc) }
        return pid
    }
}

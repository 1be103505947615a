import Glibc

/// Shows a process's role in `ps`, as php-fpm does (`octoai: supervisor`).
///
/// Children are spawned with their title as their whole command line; the
/// supervisor, started by a person, rewrites its own argument area in place
/// (within its original length, so nothing else in memory is touched).
enum ProcessTitle {
    static func set(_ title: String) {
        let argc = Int(CommandLine.argc)
        let argv = CommandLine.unsafeArgv
        guard argc > 0, let first = argv[0], let last = argv[argc - 1] else { return }
        let end = last + strlen(last)
        let area = end - first
        let bytes = Array(title.utf8.prefix(area))
        for (i, byte) in bytes.enumerated() { first[i] = CChar(bitPattern: byte) }
        for i in bytes.count..<(area + 1) { first[i] = 0 }
    }
}

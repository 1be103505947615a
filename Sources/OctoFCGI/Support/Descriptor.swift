import Glibc

/// Descriptor housekeeping for processes that hand descriptors to children.
enum Descriptor {
    /// Moves `fd` above the fixed numbers children inherit descriptors at
    /// (`InheritedFD`, 3 to 6), close-on-exec, so a spawn's `dup2` to those numbers
    /// never overwrites a descriptor still in use.
    static func moveHigh(_ fd: Int32) -> Int32 {
        let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        guard high >= 0 else { return fd }
        close(fd)
        return high
    }
}

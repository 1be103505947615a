import Glibc

/// The connection a request came in on (nginx's FastCGI or SCGI connection),
/// watched so that work for a client that went away is dropped before the model
/// spends time on it.
///
/// When a client aborts, nginx (`fastcgi_ignore_client_abort off`, its default)
/// closes the upstream connection of a request whose answer it is still waiting
/// for: with `fastcgi_keep_conn on` it cannot reuse it, and SCGI carries one
/// request per connection anyway. So the connection's read side hanging up is
/// the client having gone. nginx never half-closes an upstream connection while a
/// request is outstanding, so a hang-up is never a client still waiting.
package struct ClientConnection: Sendable {
    /// The connection's descriptor, owned by the transport; only polled here.
    package var fd: Int32

    package init(fd: Int32) { self.fd = fd }

    /// `POLLRDHUP` (Linux): the peer closed or shut down its writing side. Not
    /// exported by Swift's Glibc module.
    static let hangUpEvents = Int16(0x2000)

    /// Whether the peer has hung up, checked without waiting.
    package var isGone: Bool {
        var pfd = pollfd(fd: fd, events: Self.hangUpEvents, revents: 0)
        return poll(&pfd, 1, 0) == 1 && Self.hungUp(pfd.revents)
    }

    static func hungUp(_ revents: Int16) -> Bool {
        revents & (Self.hangUpEvents | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    /// What ended a ``wait(readable:client:until:)``.
    package enum Wait: Sendable, Equatable {
        case readable, timedOut, clientGone
    }

    /// Waits until `fd` is readable (or broken: the read reports it), `client`
    /// hangs up, or the monotonic `deadline` (ns; nil: none) passes.
    package static func wait(readable fd: Int32, client: ClientConnection?, until deadline: UInt64?) -> Wait {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        if let client { fds.append(pollfd(fd: client.fd, events: hangUpEvents, revents: 0)) }
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let now = MonotonicClock.nanoseconds()
                guard now < deadline else { return .timedOut }
                timeout = Int32(min(UInt64(Int32.max), (deadline - now) / 1_000_000 + 1))
            }
            let rc = poll(&fds, nfds_t(fds.count), timeout)
            if rc < 0, errno != EINTR { return .readable }  // let the read report the error
            guard rc > 0 else { continue }
            if fds[0].revents != 0 { return .readable }
            if fds.count > 1, hungUp(fds[1].revents) { return .clientGone }
            // A descriptor poll cannot watch (POLLNVAL): stop watching it, keep waiting.
            if fds.count > 1, fds[1].revents != 0 { fds.removeLast() }
        }
    }
}

import Atomics
import Foundation
import Logging

import Glibc

/// SCGI in Swift, the responder's other transport (`octoai scgi`).
///
/// Each of `threads` dedicated OS threads (never Swift's cooperative pool: they
/// block in `accept` and `recv`) accepts on the shared listening socket, serves one
/// request and closes: SCGI has one request per connection and nginx cannot keep
/// SCGI connections alive, so no thread is ever pinned by an idle nginx connection.
package final class SCGITransport: Transport {
    let listenFD: Int32
    let threads: Int
    let limits: TransportLimits
    let maxHeaderSize: Int
    let receiveTimeout: Double
    let logger: Logger
    private let active = ManagedAtomic<Int>(0)

    package var inFlight: Int { active.load(ordering: .acquiring) }

    /// SCGI closes every connection after its answer already.
    package func beginClosing() {}

    /// `receiveTimeout` bounds every receive and send on a connection (seconds):
    /// nginx sends a buffered request at once, so only a broken peer comes near it.
    package init(
        listenFD: Int32, threads: Int, limits: TransportLimits, maxHeaderSize: Int = SCGIHeaderParser.defaultMaxHeaderSize,
        receiveTimeout: Double = 30, logger: Logger = Logger(label: "octoai.scgi")
    ) {
        self.listenFD = listenFD
        self.threads = max(1, threads)
        self.limits = limits
        self.maxHeaderSize = maxHeaderSize
        self.receiveTimeout = receiveTimeout
        self.logger = logger
    }

    package func start(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        for _ in 0..<threads {
            let thread = Thread { [self] in self.acceptLoop(handler) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func acceptLoop(_ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                let code = errno
                switch code {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    logger.warning("accept: \(String(cString: strerror(code))); retrying")
                    usleep(10_000)  // back off instead of spinning while descriptors are short
                    continue
                default:
                    // EINVAL: the supervisor shut the socket down to drain. Anything else: it broke.
                    if code != EINVAL { logger.error("accept: \(String(cString: strerror(code))); thread stops") }
                    return
                }
            }
            active.wrappingIncrement(ordering: .acquiringAndReleasing)
            serve(fd, handler)
            close(fd)
            active.wrappingDecrement(ordering: .acquiringAndReleasing)
        }
    }

    private func serve(_ fd: Int32, _ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        let receivedAt = MonotonicClock.nanoseconds()
        var connection = SCGIConnection(fd: fd, timeout: receiveTimeout)
        let header: SCGIHeader
        do {
            header = try connection.readHeader(maxHeaderSize: maxHeaderSize)
        } catch {
            logger.warning("SCGI request dropped: \(error)")
            return
        }
        let head = CGIRequestHead(headerCount: header.pairs.count { $0.name.hasPrefix("HTTP_") }, contentLength: header.contentLength) { header.value($0) }
        let answer: RequestCycle.Answer
        do {
            answer = try RequestCycle.answer(
                head, limits: limits, receivedAt: receivedAt, client: ClientConnection(fd: fd),
                discardBody: { connection.discardBody(length: head.contentLength) }, readBody: { try connection.readBody(length: head.contentLength) },
                handler: handler)
        } catch {
            logger.warning("SCGI request dropped: \(error)")
            return
        }
        guard connection.write(answer.bytes) else { return logger.debug("SCGI peer went away before the answer was written") }
        // A streamed answer: each piece is written as it comes (SCGI has no framing:
        // closing the connection ends the body).
        answer.stream?.produce { connection.write($0) }
    }
}

import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import OctoFCGI

/// Telling that nginx closed a request's connection (its client went away).
@Suite struct ClientConnectionTests {
    func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        return (fds[0], fds[1])
    }

    @Test func aConnectionIsGoneOnlyOnceThePeerClosed() {
        let (ours, peer) = socketPair()
        defer { close(ours) }
        let client = ClientConnection(fd: ours)
        #expect(!client.isGone)
        // Unread bytes from the peer are not a hang-up.
        _ = UnixSocket.writeAll(peer, [1, 2, 3])
        #expect(!client.isGone)
        close(peer)
        #expect(client.isGone)
    }

    @Test func waitEndsWithTheAnswerTheTimeoutOrTheClientLeaving() {
        let (owner, ownerPeer) = socketPair()
        let (client, clientPeer) = socketPair()
        defer { close(owner); close(ownerPeer); close(client) }
        let watched = ClientConnection(fd: client)
        let soon = MonotonicClock.nanoseconds() + 50_000_000
        #expect(ClientConnection.wait(readable: owner, client: watched, until: soon) == .timedOut)
        _ = UnixSocket.writeAll(ownerPeer, [0])
        #expect(ClientConnection.wait(readable: owner, client: watched, until: nil) == .readable)
        var byte: UInt8 = 0
        _ = recv(owner, &byte, 1, 0)
        close(clientPeer)
        #expect(ClientConnection.wait(readable: owner, client: watched, until: nil) == .clientGone)
        // Without a client to watch, only the answer or the deadline ends the wait.
        #expect(ClientConnection.wait(readable: owner, client: nil, until: MonotonicClock.nanoseconds() + 20_000_000) == .timedOut)
    }
}

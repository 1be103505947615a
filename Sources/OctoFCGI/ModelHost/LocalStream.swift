import Foundation
import Synchronization

import Glibc

/// A streaming call running on a thread of this process (sync mode), handed to
/// the transport thread that writes it to the client through a small bounded
/// queue: the method's `yield` waits while `capacity` items are unread, so a
/// slow client holds the model back instead of filling memory.
///
/// Each queued event also writes one byte to a pipe, so the reader can wait for
/// the next item and for its client hanging up in one `poll`
/// (``ClientConnection/wait(readable:client:until:)``), as it does on the model
/// owner's socket in async mode.
final class LocalStream: InferenceStream {
    static let capacity = 8

    private struct State {
        var events: [StreamEvent] = []
        var cancelled = false
    }

    private let state = Mutex(State())
    /// Free places in the queue; the producer takes one per item.
    private let space = DispatchSemaphore(value: LocalStream.capacity)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// `--request-timeout` in nanoseconds, per item (0: none).
    private let timeout: UInt64

    init(timeout: UInt64) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw UnixSocket.Failure(call: "pipe", code: errno) }
        (wakeRead, wakeWrite) = (fds[0], fds[1])
        UnixSocket.setCloseOnExec(wakeRead)
        UnixSocket.setCloseOnExec(wakeWrite)
        self.timeout = timeout
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// The method's side: queues one item, waiting for room; false once the
    /// reader has cancelled (the method's `yield` then throws).
    func emit(_ item: [UInt8]) -> Bool {
        space.wait()
        return push(.item(item))
    }

    /// The method's side: the stream's last event (its end or its error).
    func finish(_ event: StreamEvent) {
        _ = push(event)
    }

    private func push(_ event: StreamEvent) -> Bool {
        let queued = state.withLock { state in
            guard !state.cancelled else { return false }
            state.events.append(event)
            return true
        }
        if queued {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        return queued
    }

    func next(client: ClientConnection?) -> StreamEvent {
        if let ended = awaitNext(on: wakeRead, client: client, timeout: timeout) { return ended }
        var byte: UInt8 = 0
        guard read(wakeRead, &byte, 1) == 1 else { return .failed(.modelUnavailable) }
        let event = state.withLock { $0.events.isEmpty ? nil : $0.events.removeFirst() }
        guard let event else { return .failed(.modelUnavailable) }
        if case .item = event { space.signal() }
        return event
    }

    func cancel() {
        let first = state.withLock { state in
            defer { state.cancelled = true }
            return !state.cancelled
        }
        // A producer waiting for room wakes, sees the cancel and stops.
        if first { space.signal() }
    }
}

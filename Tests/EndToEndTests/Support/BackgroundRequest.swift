import Foundation

/// An HTTP request running on its own OS thread, so a test can act while it is
/// in flight. (Not a Task: tests block cooperative threads while they poll, and a
/// Task could starve behind them.)
final class BackgroundRequest<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    /// Waits for the answer (bounded by the client's own receive timeout).
    func response() throws -> Value {
        done.wait()
        return try result!.get()
    }
}

/// The body of an answer written while it is produced (a `text/event-stream`),
/// instead of a ``HTTPResponse/body`` known in full: its head goes out without
/// `Content-Length`, with `X-Accel-Buffering: no` so that nginx passes each piece
/// on as it arrives rather than buffering the response.
package struct ResponseStream: Sendable {
    /// Writes the body through `write`, which sends its bytes to the client at
    /// once (through nginx) and returns false when the client is gone: `produce`
    /// then stops and frees what it holds.
    package let produce: @Sendable (_ write: ([UInt8]) -> Bool) -> Void

    package init(produce: @escaping @Sendable (_ write: ([UInt8]) -> Bool) -> Void) {
        self.produce = produce
    }
}

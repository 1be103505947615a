/// Where a streaming endpoint's method sends its items, in order, as it produces
/// them: each ``yield(_:)`` becomes one `data: <item as JSON>` event the client
/// receives at once.
///
/// ```swift
/// static var endpoints: [Endpoint<Self>] { [.stream("/generate", Self.generate)] }
///
/// func generate(_ input: Prompt, _ tokens: StreamSink<Token>) throws {
///     for token in model.tokens(for: input.text) { try tokens.yield(token) }
/// }
/// ```
/// `yield` waits while the client is slower than the model (the items in
/// between stay bounded), and throws ``StreamCancelled`` once the client has gone:
/// let it propagate (or stop generating) and the model is free for the next call.
/// A method that throws after its first item ends the stream with a last
/// `data: {"detail": ...}` event; one that throws before it gets an ordinary
/// error answer (a thrown ``HTTPError`` keeps its status).
public final class StreamSink<Item: Encodable & Sendable>: Sendable {
    /// Sends one encoded item; false once nobody reads the stream any more.
    let emit: @Sendable ([UInt8]) -> Bool

    init(emit: @escaping @Sendable ([UInt8]) -> Bool) {
        self.emit = emit
    }

    /// Sends `item` to the client. Throws ``StreamCancelled`` when the client has
    /// gone, or the encoding error when `item` cannot be encoded as JSON.
    public func yield(_ item: Item) throws {
        guard emit(try OutputEncoder.encode(item)) else { throw StreamCancelled() }
    }
}

/// The client of a stream has gone: the stream's method should stop.
public struct StreamCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the client of this stream went away" }
}

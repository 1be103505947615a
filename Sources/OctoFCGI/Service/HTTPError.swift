/// An error whose message is meant for the client.
///
/// Thrown from ``Service/infer(_:)`` or an endpoint, it becomes
/// `<status> {"detail": "<detail>"}`. Every other error is answered with a
/// generic 500 so no internal message or path ever reaches a client.
public struct HTTPError: Error, Sendable, Equatable {
    /// The HTTP status code, 400–599.
    public var status: Int
    /// The client-facing message.
    public var detail: String

    public init(status: Int, detail: String) {
        self.status = (400...599).contains(status) ? status : 500
        self.detail = detail
    }
}

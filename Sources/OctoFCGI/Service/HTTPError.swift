/// An error whose message is meant for the client.
///
/// Thrown from ``Service/infer(_:)`` or an endpoint, it becomes
/// `<status> {"detail": "<detail>"}` with its ``headers``. Every other error is
/// answered with a generic 500 so no internal message or path ever reaches a client.
///
/// ```swift
/// throw HTTPError(status: 404, detail: "no such document")
/// throw HTTPError(status: .tooManyRequests, detail: "slow down", headers: [("Retry-After", "5")])
/// ```
public struct HTTPError: Error, Sendable, Equatable {
    /// An error status, 400–599 by construction: a code outside that range (a
    /// success or a redirect is not an error) becomes 500.
    public struct Status: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
        /// The status code, always within 400...599.
        public let code: Int

        /// `code`, or 500 when it is not within 400...599.
        public init(code: Int) {
            self.code = (400...599).contains(code) ? code : 500
        }

        public init(integerLiteral value: Int) { self.init(code: value) }

        public var description: String { String(code) }

        public static let badRequest: Status = 400
        public static let unauthorized: Status = 401
        public static let forbidden: Status = 403
        public static let notFound: Status = 404
        public static let conflict: Status = 409
        public static let contentTooLarge: Status = 413
        public static let unprocessableContent: Status = 422
        public static let tooManyRequests: Status = 429
        public static let internalServerError: Status = 500
        public static let serviceUnavailable: Status = 503
    }

    /// The HTTP status.
    public let status: Status
    /// The client-facing message.
    public var detail: String
    /// Headers sent with the answer (`Retry-After`, `WWW-Authenticate`...).
    public var headers: [(name: String, value: String)]

    public init(status: Status, detail: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    public static func == (a: HTTPError, b: HTTPError) -> Bool {
        a.status == b.status && a.detail == b.detail && a.headers.elementsEqual(b.headers) { $0 == $1 }
    }
}

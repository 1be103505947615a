/// One request from its CGI head to the bytes of its answer, as every transport
/// serves it: what the limits refuse is answered without reading the body (the
/// transport discards it, so nginx finishes sending before it reads the answer),
/// anything else goes to the handler with its body; a `HEAD` answer has no body.
package enum RequestCycle {
    /// What a transport writes: `bytes` (the CGI head and, unless streamed, the
    /// body), then, for a streamed answer, whatever `stream` produces, each piece
    /// flushed to nginx as it comes.
    package struct Answer {
        package var bytes: [UInt8]
        package var stream: ResponseStream?
    }

    /// The answer for the request `head` describes.
    /// `readBody` may throw (a peer that went away): then there is nothing to answer.
    package static func answer(
        _ head: CGIRequestHead, limits: TransportLimits, receivedAt: UInt64, client: ClientConnection?,
        discardBody: () -> Void, readBody: () throws -> [UInt8], handler: (HTTPRequest) -> HTTPResponse
    ) rethrows -> Answer {
        let response: HTTPResponse
        if let refusal = limits.refusal(headers: head.headerCount, bodySize: head.contentLength) {
            discardBody()
            response = refusal
        } else {
            response = handler(head.request(body: try readBody(), receivedAt: receivedAt, client: client))
        }
        var bytes = response.cgiHead(extraHeaders: [])
        guard head.method != "HEAD" else { return Answer(bytes: bytes, stream: nil) }
        bytes.append(contentsOf: response.body)
        return Answer(bytes: bytes, stream: response.stream)
    }
}

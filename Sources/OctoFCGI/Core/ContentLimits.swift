/// Limits on what a request body may hold, checked while it is validated in the
/// responder (before anything reaches the model). The body's size is bounded
/// first, by the transport (``TransportLimits``); these bound what that many
/// bytes can cost once parsed.
package struct ContentLimits: Sendable, Codable, Equatable {
    /// Most parts a `multipart/form-data` body may have (413 past it): each part
    /// costs a parse and bookkeeping however small it is.
    package var maxFormParts: Int
    /// Largest single part's content, in bytes (413 past it): a file or a text
    /// field, which is copied into a string for validation.
    package var maxPartSize: Int
    /// Most values a JSON body may hold, counting every scalar, array and object
    /// at any depth (413 past it). The body size alone does not bound the parse:
    /// 64 MiB of `[0,0,...]` is 32 million values, over a gigabyte once parsed.
    package var maxJSONValues: Int

    package init(maxFormParts: Int, maxPartSize: Int, maxJSONValues: Int) {
        self.maxFormParts = maxFormParts
        self.maxPartSize = maxPartSize
        self.maxJSONValues = maxJSONValues
    }

    /// The command line's defaults.
    package static let `default` = ContentLimits(
        maxFormParts: ServeDefaults.maxFormParts, maxPartSize: ServeDefaults.maxPartSize, maxJSONValues: ServeDefaults.maxJSONValues)

    func tooManyParts() -> HTTPResponse { .detail(413, "Too many form parts (limit \(maxFormParts))") }
    func partTooLarge() -> HTTPResponse { .detail(413, "Form part too large (limit \(maxPartSize) bytes)") }
    func tooManyJSONValues() -> HTTPResponse { .detail(413, "Too many JSON values (limit \(maxJSONValues))") }
}

/// The 422 answer: pydantic-style error objects, all of them.
package struct ValidationFailure: Error, Sendable, Equatable {
    /// Each `{"type","loc","msg","input"[,"ctx"]}` object, in the order pydantic reports them.
    package var errors: [JSONValue]
    package init(errors: [JSONValue]) { self.errors = errors }

    /// The whole 422 body, `{"detail": [...]}`.
    package var body: JSONValue { ["detail": .array(errors)] }
}

/// Checks a request body against an endpoint's input schema in the responder,
/// so bad input is answered with FastAPI's exact 422 and never reaches the model.
///
/// The rules are FastAPI 0.1xx + pydantic 2 in lax mode (CONTRACT §2): the same
/// error types, messages, locations and coercions. What passes is rewritten into
/// the plain JSON that Foundation's `JSONDecoder` accepts for the Swift type:
/// coerced values, defaults filled in (synthesized `Codable` ignores property
/// initial values), unknown fields dropped.
package enum RequestValidator {
    /// Returns the normalised JSON body (defaults filled in, lax coercions applied)
    /// that the model owner decodes, or every validation error.
    package static func validate(body: [UInt8], contentType: String?, schema: SchemaNode) -> Result<[UInt8], ValidationFailure> {
        check(body: body, contentType: contentType, schema: schema, maxValues: .max).mapError { rejection in
            // Without a value limit every failure is a validation failure.
            if case let .invalid(failure) = rejection { return failure }
            return ValidationFailure(errors: [])
        }
    }

    /// What the router uses: ``validate(body:contentType:schema:)`` within
    /// `limits`, answered as it is sent: 422 with every error, or 413 for a body
    /// holding more JSON values than ``ContentLimits/maxJSONValues``.
    package static func check(body: [UInt8], contentType: String?, schema: SchemaNode, limits: ContentLimits) -> Result<[UInt8], RequestRejection> {
        check(body: body, contentType: contentType, schema: schema, maxValues: limits.maxJSONValues).mapError { rejection in
            switch rejection {
            case let .invalid(failure): RequestRejection(.json(422, failure.body))
            case .tooManyValues: RequestRejection(limits.tooManyJSONValues())
            }
        }
    }

    /// The limit alone, for a body the model's side validates (a Python
    /// service's): 413 when a JSON body holds more values than
    /// ``ContentLimits/maxJSONValues``, else nil (errors of any other kind are
    /// the validator's to report). Every value takes at least a byte, so only a
    /// body at least that long is parsed at all.
    package static func limitRejection(body: [UInt8], contentType: String?, limits: ContentLimits) -> RequestRejection? {
        guard body.count >= limits.maxJSONValues, isJSON(contentType: contentType) else { return nil }
        do {
            _ = try JSONParser.parse(body, maxValues: limits.maxJSONValues)
        } catch {
            if error.exceedsLimit { return RequestRejection(limits.tooManyJSONValues()) }
        }
        return nil
    }

    enum Rejection: Error {
        case invalid(ValidationFailure)
        case tooManyValues
    }

    static func check(body: [UInt8], contentType: String?, schema: SchemaNode, maxValues: Int) -> Result<[UInt8], Rejection> {
        if body.isEmpty {
            return .failure(.invalid(ValidationFailure(errors: [ValidationIssue.missing(loc: ["body"], input: .null)])))
        }
        guard isJSON(contentType: contentType) else {
            let text = String(decoding: body, as: UTF8.self)
            return .failure(.invalid(ValidationFailure(errors: [ValidationIssue.modelAttributesType(loc: ["body"], input: .string(text))])))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, maxValues: maxValues)
        } catch {
            if error.exceedsLimit { return .failure(.tooManyValues) }
            return .failure(.invalid(ValidationFailure(errors: [ValidationIssue.jsonInvalid(error)])))
        }
        var checker = ValueValidator()
        var loc: [JSONValue] = ["body"]
        guard let normalised = checker.validate(value, against: schema, at: &loc), checker.errors.isEmpty else {
            return .failure(.invalid(ValidationFailure(errors: checker.errors)))
        }
        return .success(normalised.bytes)
    }

    /// FastAPI reads a body as JSON when there is no content type, or when it is
    /// `application/json` or `application/<anything>+json` (parameters ignored).
    static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return true }
        // What nearly every client sends, answered without splitting and lower-casing.
        if contentType == "application/json" { return true }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = mediaType.trimmingSpaces().lowercased()
        if contentType.trimmingSpaces().isEmpty { return true }
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "application" else { return false }
        return parts[1] == "json" || parts[1].hasSuffix("+json")
    }
}

extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (Python's `str.strip()` for
    /// the inputs we see).
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        let string = Substring(self)
        guard let first = string.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = string.lastIndex(where: { !isSpace($0) })!
        return string[first...last]
    }
}

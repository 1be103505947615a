/// Validates a `multipart/form-data` body against a form endpoint's input schema,
/// in the responder, with FastAPI's rules for `File` and `Form` parameters:
/// text parts are validated like JSON strings in lax mode (so `"12"` is an int),
/// file parts must carry a filename, and every problem is reported at once.
package enum FormValidator {
    /// The input for the model (``InferenceInput/form(fields:body:)``: the fields
    /// and file descriptors as JSON, and the body the files point into), or the
    /// answer to send instead (422 with every error, 400 for a body that is not
    /// multipart at all, 413 for more parts or a larger part than `limits` allow).
    package static func validate(body: [UInt8], contentType: String?, schema: SchemaNode, limits: ContentLimits = .default) -> Result<InferenceInput, RequestRejection> {
        guard case let .object(object) = schema else { return .failure(RequestRejection(.detail(500, "Internal Server Error"))) }
        var parts: [FormPart] = []
        var ranges: [Range<Int>] = []
        if let boundary = FormPart.boundary(contentType: contentType), !body.isEmpty {
            switch split(body, boundary: boundary, limits: limits) {
            case let .success(split): (parts, ranges) = split
            case let .failure(rejection): return .failure(rejection)
            }
        }
        var checker = ValueValidator()
        var errors: [JSONValue] = []
        var fields: [(String, JSONValue)] = []
        for field in object.fields {
            let loc: [JSONValue] = ["body", .string(field.name)]
            // FastAPI takes an empty text field as one not sent: its default, or `missing`.
            let index = parts.firstIndex { $0.disposition.name == field.name && ($0.disposition.filename != nil || !$0.body.isEmpty || isFile(field.schema)) }
            guard let index else {
                if let fallback = field.defaultValue {
                    fields.append((field.name, fallback))
                } else if field.required {
                    errors.append(ValidationIssue.missing(loc: loc, input: .null))
                }
                continue
            }
            let part = parts[index]
            if isFile(field.schema) {
                guard let filename = part.disposition.filename else {
                    let text = String(decoding: part.body, as: UTF8.self)
                    errors.append(ValidationIssue.make("value_error", loc, "Value error, Expected UploadFile, received: <class 'str'>", .string(text), ctx: ["error": [:]]))
                    continue
                }
                var descriptor: [(String, JSONValue)] = [
                    ("offset", .int(Int64(ranges[index].lowerBound))), ("length", .int(Int64(ranges[index].count))), ("filename", .string(filename)),
                ]
                if let type = part.contentType { descriptor.append(("content_type", .string(type))) }
                fields.append((field.name, .object(descriptor)))
            } else {
                var at = loc
                let text = String(decoding: part.body, as: UTF8.self)
                if let valid = checker.validate(.string(text), against: field.schema, at: &at) { fields.append((field.name, valid)) }
            }
        }
        errors += checker.errors
        guard errors.isEmpty else { return .failure(RequestRejection(.json(422, ValidationFailure(errors: errors).body))) }
        return .success(.form(fields: JSONValue.object(fields).bytes, body: body))
    }

    /// The limits alone, for a body the model's side validates (a Python
    /// service's form): the 413 for more parts or a larger part than `limits`
    /// allow, found by the same plain scan of the delimiters, or nil.
    package static func limitRejection(body: [UInt8], contentType: String?, limits: ContentLimits) -> RequestRejection? {
        guard let boundary = FormPart.boundary(contentType: contentType), !body.isEmpty else { return nil }
        let delimiters = FormPart.delimiters(in: body, boundary: boundary)
        if delimiters.count - 1 > limits.maxFormParts { return RequestRejection(limits.tooManyParts()) }
        let ranges = FormPart.contentRanges(in: body, delimiters: delimiters)
        if ranges.contains(where: { $0.count > limits.maxPartSize }) { return RequestRejection(limits.partTooLarge()) }
        return nil
    }

    /// The parts and where each one's content lies in `body`. The limits are
    /// checked on the delimiters found by a plain scan, before multipart-kit
    /// parses anything: a body of thousands of empty parts is refused for the
    /// price of one pass over its bytes.
    ///
    /// multipart-kit then parses the body's skeleton (``FormPart/skeleton(_:without:)``:
    /// the delimiters and part headers, every content range cut out), not the
    /// body: it checks the syntax the scan does not (headers, the closing
    /// delimiter) without walking the contents, which it scans a byte at a time
    /// through a closure and copies into a fresh buffer per run of bytes. On a
    /// 5 MiB upload that walk was 14% of the responder and model owner's CPU
    /// samples and its copies another 10 MiB of fresh pages (bench/UPLOAD_RESULTS.md).
    /// The contents are the scan's ranges; a text part's bytes are copied out.
    static func split(_ body: [UInt8], boundary: String, limits: ContentLimits) -> Result<([FormPart], [Range<Int>]), RequestRejection> {
        let malformed = RequestRejection(.detail(400, "There was an error parsing the body"))
        let delimiters = FormPart.delimiters(in: body, boundary: boundary)
        if delimiters.count - 1 > limits.maxFormParts { return .failure(RequestRejection(limits.tooManyParts())) }
        let ranges = FormPart.contentRanges(in: body, delimiters: delimiters)
        if ranges.contains(where: { $0.count > limits.maxPartSize }) { return .failure(RequestRejection(limits.partTooLarge())) }
        guard var parts = FormPart.parse(FormPart.skeleton(body, without: ranges), boundary: boundary) else { return .failure(malformed) }
        // Both readings must agree before bytes are sent by position: multipart-kit
        // finds as many parts, each empty exactly where a content range was cut.
        guard ranges.count == parts.count, parts.allSatisfy({ $0.length == 0 }) else { return .failure(malformed) }
        for index in parts.indices {
            parts[index].length = ranges[index].count
            if parts[index].disposition.filename == nil { parts[index].body = Array(body[ranges[index]]) }
        }
        return .success((parts, ranges))
    }

    static func isFile(_ node: SchemaNode) -> Bool {
        switch node {
        case .file: return true
        case let .optional(inner): return isFile(inner)
        default: return false
        }
    }
}

/// A request refused before it reaches the model, with the answer to send.
package struct RequestRejection: Error, Sendable {
    package var response: HTTPResponse
    package init(_ response: HTTPResponse) { self.response = response }
}

import OctoFCGI

/// Greets people, counts words, and measures uploaded files.
struct Greeter: Service {
    @Schema struct Input: Codable, Sendable {
        /// Who to greet.
        var name: String
        var excited: Bool = false
    }

    @Schema struct WordsInput: Codable, Sendable {
        var text: String
    }

    @Schema struct Photo: Codable, Sendable {
        var image: FormFile
        var caption: String = ""
    }

    struct PhotoInfo: Codable, Sendable {
        var bytes: Int
        var caption: String
    }

    private var greeting = ""

    static var endpoints: [Endpoint<Greeter>] {
        [.post("/count-words", Greeter.countWords), .form("/photo", Greeter.photo)]
    }

    mutating func setup() async throws { greeting = "Hello" }

    func infer(_ input: Input) throws -> String {
        guard !input.name.isEmpty else { throw HTTPError(status: 400, detail: "name must not be empty") }
        return "\(greeting), \(input.name)\(input.excited ? "!" : ".")"
    }

    func countWords(_ input: WordsInput) throws -> Int {
        input.text.split(whereSeparator: \.isWhitespace).count
    }

    func photo(_ form: Photo) throws -> PhotoInfo {
        PhotoInfo(bytes: form.image.data.count, caption: form.caption)
    }
}

OctoAI.main(Greeter.self)

import Foundation
import OctoFCGI
import Testing

// The README's "Write your own service" example, verbatim but for its last line
// (`OctoAI.main(Reverse.self)`, which only a main.swift can hold).
struct Reverse: Service {
    @Schema struct Input: Codable, Sendable {
        /// The text to reverse.
        var text: String
        var times: Int = 1
    }

    func infer(_ input: Input) throws -> String {
        String(repeating: String(input.text.reversed()), count: max(0, input.times))
    }
}

@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func readmeShowsExactlyTheCompiledExample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let start = try #require(source.range(of: "struct Reverse: Service {"))
        let end = try #require(source.range(of: "\n}\n", range: start.upperBound..<source.endIndex))
        let compiled = "import OctoFCGI\n\n" + source[start.lowerBound..<end.upperBound] + "\nOctoAI.main(Reverse.self)\n"
        #expect(readme.contains("```swift\n" + compiled + "```"))
    }

    /// Code fences pair up and no heading falls inside one: a stray fence once
    /// turned the whole "Write your own service" section into a code block.
    @Test func everyHeadingIsOutsideTheCodeBlocks() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        var inCode = false
        var headings: [String] = []
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inCode.toggle()
            } else if line.hasPrefix("## ") {
                if inCode { Issue.record("heading inside a code block: \(line)") } else { headings.append(String(line)) }
            }
        }
        #expect(!inCode, "a code fence is never closed")
        #expect(headings.contains("## Write your own service"))
    }

    @Test func theExampleIsAWorkingService() throws {
        let api = try ServiceDescriptor(Reverse.self).api
        #expect(api.endpoints.map(\.path) == ["/infer"])
        let document = OpenAPIGenerator.document(for: api).serialized
        #expect(document.contains(#""default":1"#))
        #expect(document.contains("The text to reverse."))
        #expect(try Reverse().infer(.init(text: "ab", times: 2)) == "baba")
    }
}

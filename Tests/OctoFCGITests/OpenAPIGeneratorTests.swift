import Examples
import Foundation
import Testing
@testable import OctoFCGI

struct Tag: Codable { var label: String }
enum Mood: String, Codable, CaseIterable { case calm, busy }

@Schema
struct DocInput: Codable {
    /// What to say.
    var text: String
    var max_tokens: Int = 16
    var mood: Mood = .calm
    var tags: [Tag]
    var extra: [String: Double]?
    var note: String?
}

/// A different shape that is also called `Tag` in Swift.
enum Other {
    struct Tag: Codable { var id: Int }
}

struct DocOutput: Codable {
    var tags: [Other.Tag]
    var same: [Tag]
}

enum OpenAPISamples {
    static let api = APIDescription(title: "DocService", endpoints: [
        EndpointInfo(path: "/infer", componentPrefix: "", input: SchemaProbe.schema(of: EchoService.Input.self), output: .string),
        EndpointInfo(path: "/tokenize", componentPrefix: "Tokenize", input: SchemaProbe.schema(of: DocInput.self),
                     output: SchemaProbe.schema(of: DocOutput.self)),
    ])

    /// Writes the sample document where `python3 -c 'from openapi_spec_validator import validate; ...'`
    /// can check it: `OPENAPI_DUMP=/tmp/openapi.json swift test --filter OpenAPIGeneratorTests`.
    static func dump(_ document: JSONValue, to path: String) throws {
        try Data(document.bytes).write(to: URL(fileURLWithPath: path))
    }
}

@Suite struct OpenAPIGeneratorTests {
    let document = OpenAPIGenerator.document(for: OpenAPISamples.api)

    func component(_ name: String) -> JSONValue? { document["components"]?["schemas"]?[name] }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["OPENAPI_DUMP"] != nil, "set OPENAPI_DUMP=FILE to write the sample document"))
    func dumpsForExternalValidation() throws {
        try OpenAPISamples.dump(document, to: ProcessInfo.processInfo.environment["OPENAPI_DUMP"]!)
    }

    @Test func topLevelShape() throws {
        #expect(document["openapi"] == "3.1.0")
        #expect(document["info"] == ["title": "DocService", "version": "0.1.0"])
        guard case let .object(paths) = document["paths"] else { Issue.record("no paths"); return }
        #expect(paths.map(\.0) == ["/", "/healthcheck", "/infer", "/tokenize"])
        #expect(document["paths"]?["/healthcheck"]?["get"]?["responses"]?["503"] != nil)
    }

    @Test func inferOperation() throws {
        let post = try #require(document["paths"]?["/infer"]?["post"])
        #expect(post["operationId"] == "infer_infer_post")
        #expect(post["requestBody"] == ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/Input"]]], "required": true])
        guard case let .object(responses) = post["responses"] else { Issue.record("no responses"); return }
        #expect(responses.map(\.0) == ["200", "413", "422", "431", "500", "503", "504"])
        #expect(post["responses"]?["422"]?["content"]?["application/json"]?["schema"]?["anyOf"] == [
            ["$ref": "#/components/schemas/HTTPValidationError"], ["$ref": "#/components/schemas/ErrorDetail"],
        ])
        #expect(component("Response")?["properties"]?["output"] == ["title": "Output", "type": "string"])
        #expect(component("Response")?["properties"]?["analytics"] == ["$ref": "#/components/schemas/ResponseAnalytics"])
    }

    @Test func echoInputIsPydanticStyle() {
        let expected: JSONValue = [
            "properties": [
                "prompt": ["description": "The text to echo back reversed. `boom` fails, `sleep:N` sleeps N seconds first, `spin:N` burns CPU for N seconds first.", "title": "Prompt", "type": "string"],
                "max_tokens": [
                    "default": 16, "description": "How many characters of `prompt` to keep (Python slice: negative counts from the end).",
                    "maximum": .int(.max), "minimum": .int(.min), "title": "Max Tokens", "type": "integer",
                ],
            ],
            "required": ["prompt"],
            "title": "Input",
            "type": "object",
        ]
        #expect(component("Input") == expected)
    }

    @Test func nestedEnumsOptionalsAndClashingNames() {
        let input = component("TokenizeInput")
        #expect(input?["required"] == ["text", "tags"])
        #expect(input?["properties"]?["mood"] == ["$ref": "#/components/schemas/Mood", "default": "calm"])
        #expect(input?["properties"]?["tags"] == ["items": ["$ref": "#/components/schemas/Tag"], "title": "Tags", "type": "array"])
        #expect(input?["properties"]?["extra"] == [
            "anyOf": [["additionalProperties": ["type": "number"], "type": "object"], ["type": "null"]], "default": nil, "title": "Extra",
        ])
        #expect(component("Mood") == ["enum": ["calm", "busy"], "title": "Mood", "type": "string"])
        #expect(component("Tag")?["properties"]?["label"] != nil)
        #expect(component("Tag2")?["properties"]?["id"] != nil)
        #expect(component("TokenizeOutput")?["properties"]?["same"] == ["items": ["$ref": "#/components/schemas/Tag"], "title": "Same", "type": "array"])
        #expect(component("TokenizeResponse")?["properties"]?["output"] == ["$ref": "#/components/schemas/TokenizeOutput"])
    }

    @Test func titlesFollowPydantic() {
        #expect(JSONSchemaEmitter.title("max_tokens") == "Max Tokens")
        #expect(JSONSchemaEmitter.title("fullName") == "Fullname")
        #expect(JSONSchemaEmitter.title("v2beta") == "V2Beta")
        #expect(JSONSchemaEmitter.title("_private") == "Private")
    }

    @Test func deterministic() {
        #expect(OpenAPIGenerator.document(for: OpenAPISamples.api).serialized == document.serialized)
    }

    @Test func everyReferenceResolves() {
        var refs: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case let .object(fields): for (key, child) in fields { if key == "$ref", case let .string(r) = child { refs.append(r) } else { walk(child) } }
            case let .array(items): items.forEach(walk)
            default: break
            }
        }
        walk(document)
        for ref in refs {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            #expect(component(name) != nil, "\(ref)")
        }
    }
}

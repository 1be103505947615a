import Foundation
import Testing
@testable import OctoFCGI

enum Color: String, Codable, CaseIterable, Sendable { case red, green, blue }
enum Level: Int, Codable, CaseIterable, Sendable { case low = 1, high = 2 }

struct Inner: Codable, Sendable {
    var name: String
    var weight: Double?
}

@Schema
struct ProbeInput: Codable, Sendable {
    /// The prompt.
    var prompt: String
    var max_tokens: Int = 16
    var temperature: Float?
    var flags: [Bool]
    var scores: [String: Double]
    var color: Color = .green
    var level: Level
    var inner: Inner
    var inners: [Inner]?
    var small: UInt8
}

final class TreeNode: Codable, @unchecked Sendable {
    var value: Int = 0
    var children: [TreeNode] = []
    var parent: TreeNode?
}

struct Renamed: Codable {
    var fullName: String
    enum CodingKeys: String, CodingKey { case fullName = "full_name" }
}

struct Throwing: Decodable {
    var a: Int
    var b: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        a = try container.decode(Int.self, forKey: .a)
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no"))
    }
    enum CodingKeys: String, CodingKey { case a, b }
}

struct Opaque: Decodable {
    init(from decoder: any Decoder) throws { throw CancellationError() }
}

struct Wrapper: Codable { var id: UUID; var url: URL; var when: Date }

@Suite struct SchemaProbeTests {
    @Test func primitives() {
        #expect(SchemaProbe.schema(of: String.self) == .string)
        #expect(SchemaProbe.schema(of: Int64.self) == .integer)
        #expect(SchemaProbe.schema(of: UInt.self) == .integer)
        #expect(SchemaProbe.schema(of: Float.self) == .number)
        #expect(SchemaProbe.schema(of: Bool.self) == .boolean)
        #expect(SchemaProbe.schema(of: [String].self) == .array(.string))
        #expect(SchemaProbe.schema(of: Set<Int>.self) == .array(.integer))
        #expect(SchemaProbe.schema(of: [String: [Int]].self) == .dictionary(.array(.integer)))
        #expect(SchemaProbe.schema(of: Int?.self) == .optional(.integer))
        #expect(SchemaProbe.schema(of: Color.self) == .stringEnum(name: "Color", values: ["red", "green", "blue"]))
    }

    @Test func structWithDefaultsOptionalsAndNesting() throws {
        guard case let .object(object) = SchemaProbe.schema(of: ProbeInput.self) else {
            Issue.record("not an object")
            return
        }
        #expect(object.name == "ProbeInput")
        #expect(object.fields.map(\.name) == ["prompt", "max_tokens", "temperature", "flags", "scores", "color", "level", "inner", "inners", "small"])
        #expect(object.fields.map(\.required) == [true, false, false, true, true, false, true, true, false, true])
        let byName = Dictionary(uniqueKeysWithValues: object.fields.map { ($0.name, $0) })
        #expect(byName["prompt"]?.description == "The prompt.")
        #expect(byName["max_tokens"]?.defaultValue == 16)
        #expect(byName["color"]?.defaultValue == "green")
        #expect(byName["temperature"]?.schema == .optional(.number))
        #expect(byName["flags"]?.schema == .array(.boolean))
        #expect(byName["scores"]?.schema == .dictionary(.number))
        #expect(byName["level"]?.schema == .integer)
        let inner = SchemaNode.object(ObjectSchema(name: "Inner", fields: [
            SchemaField(name: "name", schema: .string, required: true),
            SchemaField(name: "weight", schema: .optional(.number), required: false),
        ]))
        #expect(byName["inner"]?.schema == inner)
        #expect(byName["inners"]?.schema == .optional(.array(inner)))
    }

    @Test func recursiveTypesStopAtAny() {
        let expected = SchemaNode.object(ObjectSchema(name: "TreeNode", fields: [
            SchemaField(name: "value", schema: .integer, required: true),
            SchemaField(name: "children", schema: .array(.any), required: true),
            SchemaField(name: "parent", schema: .optional(.any), required: false),
        ]))
        #expect(SchemaProbe.schema(of: TreeNode.self) == expected)
    }

    @Test func codingKeysRenameFields() {
        #expect(SchemaProbe.schema(of: Renamed.self) == .object(ObjectSchema(name: "Renamed", fields: [
            SchemaField(name: "full_name", schema: .string, required: true)
        ])))
    }

    @Test func oddTypesDoNotCrash() {
        #expect(SchemaProbe.schema(of: Throwing.self) == .object(ObjectSchema(name: "Throwing", fields: [
            SchemaField(name: "a", schema: .integer, required: true)
        ])))
        #expect(SchemaProbe.schema(of: Opaque.self) == .any)
        #expect(SchemaProbe.schema(of: [Opaque].self) == .array(.any))
    }

    @Test func foundationTypesShowTheirWireForm() {
        guard case let .object(object) = SchemaProbe.schema(of: Wrapper.self) else {
            Issue.record("not an object")
            return
        }
        #expect(object.fields.map(\.schema) == [.string, .string, .number])
    }
}

import OctoFCGIMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

@Suite struct SchemaMacroTests {
    func expand(_ source: String, _ expanded: String, sourceLocation: SourceLocation = #_sourceLocation) {
        assertMacroExpansion(
            source, expandedSource: expanded,
            macroSpecs: ["Schema": MacroSpec(type: SchemaMacro.self, conformances: ["SchemaDescribed"])],
            failureHandler: { Issue.record(Comment(rawValue: $0.message), sourceLocation: sourceLocation) })
    }

    @Test func recordsDefaultsAndDocComments() {
        expand(
            """
            @Schema
            public struct Input: Codable {
                /// The text to reverse.
                /// Second line.
                public var prompt: String
                // not documentation
                var max_tokens: Int = 16
                var ratio = 0.5
                static var shared = 1
                var computed: Int { 3 }
                let fixed = 2
                let id: String
                var observed: Bool = true { didSet {} }
            }
            """,
            """
            public struct Input: Codable {
                /// The text to reverse.
                /// Second line.
                public var prompt: String
                // not documentation
                var max_tokens: Int = 16
                var ratio = 0.5
                static var shared = 1
                var computed: Int { 3 }
                let fixed = 2
                let id: String
                var observed: Bool = true { didSet {} }
            }

            extension Input: SchemaDescribed {
                public static var schemaFieldInfo: [SchemaFieldInfo] {
                    [
                        SchemaFieldInfo(name: "prompt", description: "The text to reverse. Second line."),
                        SchemaFieldInfo(name: "max_tokens", defaultValue: SchemaFieldInfo.encodeDefault(16 as Int)),
                        SchemaFieldInfo(name: "ratio", defaultValue: SchemaFieldInfo.encodeDefault(0.5)),
                        SchemaFieldInfo(name: "id"),
                        SchemaFieldInfo(name: "observed", defaultValue: SchemaFieldInfo.encodeDefault(true as Bool)),
                    ]
                }
            }
            """)
    }

    @Test func internalTypeGetsInternalMemberAndEscapedText() {
        expand(
            #"""
            @Schema struct Options {
                /** A "quoted" \ value.
                 *
                 * Second paragraph. */
                var mode: Mode = .fast
            }
            """#,
            ##"""
            struct Options {
                /** A "quoted" \ value.
                 *
                 * Second paragraph. */
                var mode: Mode = .fast
            }

            extension Options: SchemaDescribed {
                static var schemaFieldInfo: [SchemaFieldInfo] {
                    [
                        SchemaFieldInfo(name: "mode", defaultValue: SchemaFieldInfo.encodeDefault(.fast as Mode), description: #"A "quoted" \ value.\#n\#nSecond paragraph."#),
                    ]
                }
            }
            """##)
    }

    @Test func emptyTypeHasNoFields() {
        expand(
            "@Schema struct Empty {}",
            """
            struct Empty {}

            extension Empty: SchemaDescribed {
                static var schemaFieldInfo: [SchemaFieldInfo] {
                    []
                }
            }
            """)
    }
}

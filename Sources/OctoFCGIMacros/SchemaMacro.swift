import SwiftSyntax
import SwiftSyntaxMacros

/// Placeholder: the schema work (issue 2 item 3) fills this in.
public struct SchemaMacro: ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        [try ExtensionDeclSyntax("extension \(type.trimmed): SchemaDescribed { public static var schemaFieldInfo: [SchemaFieldInfo] { [] } }")]
    }
}

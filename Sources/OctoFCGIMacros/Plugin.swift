import SwiftCompilerPlugin
import SwiftSyntaxMacros

@main
struct OctoFCGIMacrosPlugin: CompilerPlugin {
    let providingMacros: [Macro.Type] = [SchemaMacro.self]
}

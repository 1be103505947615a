import SwiftSyntax
import SwiftSyntaxMacros

/// `@Schema`: records each stored property's name, initial value and doc comment
/// in a `SchemaDescribed` conformance, because neither `Codable` nor the runtime
/// can tell a schema what a property defaults to or what it means.
public struct SchemaMacro: ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax, attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol, conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        let fields = storedProperties(of: declaration).map(\.expression)
        let list = fields.isEmpty ? "[]" : "[\n" + fields.map { "            \($0)," }.joined(separator: "\n") + "\n        ]"
        let access = isPublic(declaration.modifiers) ? "public " : ""
        let source: DeclSyntax = """
            extension \(type.trimmed): SchemaDescribed {
                \(raw: access)static var schemaFieldInfo: [SchemaFieldInfo] {
                    \(raw: list)
                }
            }
            """
        guard let ext = source.as(ExtensionDeclSyntax.self) else { return [] }
        return [ext]
    }

    static func isPublic(_ modifiers: DeclModifierListSyntax) -> Bool {
        modifiers.contains { $0.name.tokenKind == .keyword(.public) || $0.name.tokenKind == .keyword(.open) }
    }

    /// One stored instance property as the macro sees it.
    struct Property {
        var name: String
        var type: TypeSyntax?
        var initializer: ExprSyntax?
        var description: String?

        /// The `SchemaFieldInfo(...)` expression for this property.
        var expression: String {
            var arguments = ["name: \(StringLiteralExprSyntax(content: name).description)"]
            if let initializer {
                let value = type.map { "\(initializer.trimmedDescription) as \($0.trimmedDescription)" } ?? initializer.trimmedDescription
                arguments.append("defaultValue: SchemaFieldInfo.encodeDefault(\(value))")
            }
            if let description {
                arguments.append("description: \(StringLiteralExprSyntax(content: description).description)")
            }
            return "SchemaFieldInfo(\(arguments.joined(separator: ", ")))"
        }
    }

    /// Stored instance properties in declaration order: no statics, no computed
    /// properties, no `let` with an initial value (it is never decoded).
    static func storedProperties(of declaration: some DeclGroupSyntax) -> [Property] {
        var properties: [Property] = []
        for member in declaration.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self) else { continue }
            let isStatic = variable.modifiers.contains {
                $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class)
            }
            if isStatic { continue }
            let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
            let description = DocComment.text(of: variable.leadingTrivia)
            for binding in variable.bindings {
                guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                if let accessors = binding.accessorBlock, isComputed(accessors) { continue }
                if isLet, binding.initializer != nil { continue }
                properties.append(Property(
                    name: pattern.identifier.trimmed.text.replacingBackticks(),
                    type: binding.typeAnnotation?.type,
                    initializer: binding.initializer?.value,
                    description: description))
            }
        }
        return properties
    }

    /// `{ ... }` or `get`/`set` accessors are computed; `willSet`/`didSet` observe a stored value.
    static func isComputed(_ block: AccessorBlockSyntax) -> Bool {
        switch block.accessors {
        case .getter: return true
        case let .accessors(list):
            return list.contains {
                switch $0.accessorSpecifier.tokenKind {
                case .keyword(.willSet), .keyword(.didSet): return false
                default: return true
                }
            }
        }
    }
}

extension String {
    func replacingBackticks() -> String {
        hasPrefix("`") && hasSuffix("`") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}

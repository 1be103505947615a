/// What one `init(from:)` asked its decoder for, turned into a node once it is done.
final class ProbeRecording {
    enum Shape {
        case nothing
        case keyed
        case single(SchemaNode)
        case unkeyed(SchemaNode?)
    }

    /// A field's schema, known at once or after a nested container has been filled.
    enum FieldSource {
        case node(SchemaNode)
        case nested(ProbeRecording, name: String)
    }

    struct Field {
        var name: String
        var source: FieldSource
        var required: Bool
    }

    var shape: Shape = .nothing
    private var fields: [Field] = []

    func beginKeyed() {
        if case .nothing = shape { shape = .keyed }
    }

    /// Records a key the first time it is read; a second read keeps the first entry.
    func record(_ name: String, _ source: FieldSource, required: Bool) {
        guard !fields.contains(where: { $0.name == name }) else { return }
        fields.append(Field(name: name, source: source, required: required))
    }

    func node(name: String, described: (any SchemaDescribed.Type)?) -> SchemaNode {
        switch shape {
        case .nothing: return .any
        case let .single(node): return node
        case let .unkeyed(element): return .array(element ?? .any)
        case .keyed: return .object(objectSchema(name: name, described: described))
        }
    }

    private func objectSchema(name: String, described: (any SchemaDescribed.Type)?) -> ObjectSchema {
        let infos = described?.schemaFieldInfo ?? []
        let schemaFields = fields.map { field -> SchemaField in
            let node: SchemaNode
            switch field.source {
            case let .node(known): node = known
            case let .nested(recording, nestedName): node = recording.node(name: nestedName, described: nil)
            }
            var result = SchemaField(name: field.name, schema: node, required: field.required)
            if let info = infos.first(where: { $0.name == field.name }) {
                result.description = info.description
                if let value = info.defaultValue {
                    result.defaultValue = value
                    result.required = false
                }
            }
            return result
        }
        return ObjectSchema(name: name, fields: schemaFields)
    }
}

/// Field tables of the `/docs` page: one row per property with its type (linked
/// to the component it refers to), whether it is required, its default and its
/// description.
struct DocsSchemaTable {
    let reader: OpenAPIReader

    /// A table of the fields of `schema`, or a one-line type when it is not an object.
    func html(_ schema: JSONValue) -> String {
        let fields = reader.fields(of: schema)
        guard !fields.isEmpty else {
            return "<p>Type: \(type(schema))\(describe(reader.resolve(schema)))</p>"
        }
        var rows = ""
        for field in fields {
            let required = field.required ? #"<span class="req">required</span>"# : #"<span class="opt">optional</span>"#
            let defaultValue = field.defaultValue.map { "<code>\(DocsPage.escape($0.serialized))</code>" } ?? ""
            rows += "<tr><td class=\"name\">\(DocsPage.escape(field.name))</td><td>\(type(field.schema))</td><td>\(required)</td>"
            rows += "<td>\(defaultValue)</td><td>\(DocsPage.prose(field.description ?? ""))</td></tr>\n"
        }
        return """
            <table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            """
    }

    /// The type of `schema`, each component name in it a link to that component's table.
    func type(_ schema: JSONValue) -> String {
        let linked = reader.typeName(
            schema, name: { "<a href=\"#schema-\(DocsPage.anchor($0))\">\(DocsPage.escape($0))</a>" }, literal: DocsPage.escape)
        return "<code>\(linked)</code>"
    }

    private func describe(_ schema: JSONValue) -> String {
        guard let description = schema["description"]?.stringValue else { return "" }
        return " — " + DocsPage.prose(description)
    }
}

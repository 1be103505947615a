/// One endpoint on the `/docs` page: method, path and summary, its request body
/// fields, its successful answer, its error answers and, for `POST`, a curl example.
struct DocsOperationSection {
    let reader: OpenAPIReader
    let operation: OpenAPIReader.Operation

    /// `post-infer`, the anchor the table of contents links to.
    var anchor: String { DocsPage.anchor(operation.method + "-" + operation.path) }

    var html: String {
        let method = DocsPage.escape(operation.method)
        var out = """
            <section class="op" id="\(anchor)">
            <h2><span class="method \(method)">\(method)</span><span class="path">\(DocsPage.escape(operation.path))</span>\
            <span class="summary">\(DocsPage.escape(operation.summary))</span></h2>
            <div>

            """
        if let description = operation.description { out += "<p>\(DocsPage.prose(description))</p>\n" }
        out += requestBody
        out += success
        out += errors
        if operation.method == "post" {
            let command = CurlExample.command(operation, reader: reader, baseURL: "http://127.0.0.1:8080")
            out += "<h3>Example request</h3>\n<pre>\(DocsPage.escape(command))</pre>\n"
        }
        return out + "</div>\n</section>\n"
    }

    private var requestBody: String {
        guard let body = operation.requestBody else { return "" }
        let table = DocsSchemaTable(reader: reader)
        return "<h3>Request body <code>\(DocsPage.escape(body.mediaType))</code> \(table.type(body.schema))</h3>\n" + table.html(body.schema)
    }

    /// The 2xx answer, with `output` shown through to the service's own Output schema.
    private var success: String {
        guard let ok = operation.responses.first(where: { $0.status.hasPrefix("2") }) else { return "" }
        let table = DocsSchemaTable(reader: reader)
        var out = "<h3>Response \(DocsPage.escape(ok.status)) <span class=\"muted\">\(DocsPage.prose(ok.description))</span></h3>\n"
        guard let schema = ok.schema else { return out }
        out += table.html(schema)
        if let output = reader.fields(of: schema).first(where: { $0.name == "output" }), !reader.fields(of: output.schema).isEmpty {
            out += "<h3>Output \(table.type(output.schema))</h3>\n" + table.html(output.schema)
        }
        return out
    }

    private var errors: String {
        let failures = operation.responses.filter { !$0.status.hasPrefix("2") }
        guard !failures.isEmpty else { return "" }
        let table = DocsSchemaTable(reader: reader)
        var rows = ""
        for failure in failures {
            let type = failure.schema.map(table.type) ?? ""
            rows += "<tr><td class=\"name\">\(DocsPage.escape(failure.status))</td><td>\(DocsPage.prose(failure.description))</td><td>\(type)</td></tr>\n"
        }
        return """
            <h3>Errors</h3>
            <table class="errors"><thead><tr><th>Status</th><th>When</th><th>Body</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>

            """
    }
}

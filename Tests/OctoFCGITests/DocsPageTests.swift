import Examples
import Testing
@testable import OctoFCGI

@Suite struct DocsPageTests {
    @Test func escapesEverythingTheDocumentSays() {
        let hostile = "<script>alert('x')</script> & \"quoted\""
        let document: JSONValue = [
            "openapi": "3.1.0",
            "info": ["title": .string(hostile), "version": "1"],
            "paths": ["/p": ["post": [
                "summary": .string(hostile),
                "requestBody": ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/In"]]]],
                "responses": ["200": ["description": .string(hostile)]],
            ]]],
            "components": ["schemas": ["In": [
                "properties": ["f": ["type": "string", "description": .string(hostile), "default": .string(hostile)]],
                "type": "object",
            ]]],
        ]
        let page = DocsPage.html(for: document)
        #expect(!page.contains("<script"))
        #expect(!page.contains("alert('x')"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
    }

    @Test func resolvesInputFieldsThroughRefsWithDefaultsAndExample() {
        let page = DocsPage.html(for: OpenAPIGenerator.document(for: OpenAPISamples.api))
        #expect(page.contains(#"<td class="name">max_tokens</td><td><code>integer</code></td><td><span class="opt">optional</span></td><td><code>16</code></td>"#))
        #expect(page.contains(#"<td class="name">prompt</td><td><code>string</code></td><td><span class="req">required</span></td>"#))
        #expect(page.contains(#"-d &#39;{&quot;prompt&quot;:&quot;example&quot;,&quot;max_tokens&quot;:16}&#39;"#))
        #expect(page.contains(##"<a href="#schema-responseanalytics">ResponseAnalytics</a>"##))
        #expect(page.contains(##"<td class="name">mood</td><td><code><a href="#schema-mood">Mood</a></code></td>"##))
        #expect(page.contains(##"<td class="name">tags</td><td><code>array of <a href="#schema-tag">Tag</a></code></td>"##))
        #expect(page.contains("<h3>Output <code>"))
        #expect(page.contains(#"id="schema-responseanalytics""#))
    }

    @Test func prosesBackticksAsCode() {
        #expect(DocsPage.prose("a `b<c` d") == "a <code>b&lt;c</code> d")
        #expect(DocsPage.prose("odd ` tick") == "odd ` tick")
        #expect(DocsPage.prose("x `y` z `w") == "x <code>y</code> z `w")
    }
}

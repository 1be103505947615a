import Foundation
import Testing

/// CONTRACT §1–§2 through real nginx and a real `octoai fcgi` or `octoai scgi`
/// (async mode): every test runs once per transport, each against its own stack.
@Suite(.sharedStack(environment: ["OCTOAI_REPLICA_NAME": "replica-7"], transports: Wire.everyKind))
struct HTTPContractTests {
    func client(_ wire: Wire) throws -> HTTPClient { try Stack.shared(wire).client }

    @Test(arguments: Wire.everyKind) func rootAnswersDocsAndOpenAPILinks(_ wire: Wire) throws {
        let r = try client(wire).get("/")
        #expect(r.status == 200)
        #expect(r.text == #"{"docs":"/docs","openapi":"/openapi.json"}"#)
        #expect(r.header("content-type") == "application/json")
    }

    @Test(arguments: Wire.everyKind) func healthcheckIsRunning(_ wire: Wire) throws {
        let r = try client(wire).get("/healthcheck")
        #expect(r.status == 200)
        #expect(r.text == #"{"status":"RUNNING","async_enable":true}"#)
    }

    @Test(arguments: Wire.everyKind) func headHealthcheckHasStatusAndNoBody(_ wire: Wire) throws {
        let r = try client(wire).send("HEAD", "/healthcheck")
        #expect(r.status == 200)
        #expect(r.body.isEmpty)
    }

    @Test(arguments: Wire.everyKind) func inferReversesThePrompt(_ wire: Wire) throws {
        let r = try client(wire).post("/infer", json: #"{"prompt":"hello"}"#)
        #expect(r.status == 200)
        #expect(r.object["output"] as? String == "olleh")
        let analytics = try #require(r.object["analytics"] as? [String: Any])
        #expect(analytics["inference_time_ms"] is Double || analytics["inference_time_ms"] is Int)
        #expect(analytics["performance_time_ms"] is Double || analytics["performance_time_ms"] is Int)
        #expect(Array(analytics.keys).sorted() == ["inference_time_ms", "performance_time_ms"])
    }

    @Test(arguments: Wire.everyKind, [
        (#"{"prompt":"abcdefghijklmnopqrstuvwxyz"}"#, "ponmlkjihgfedcba"),
        (#"{"prompt":"abcdef","max_tokens":3}"#, "cba"),
        (#"{"prompt":"abcdef","max_tokens":-2}"#, "dcba"),
        (#"{"prompt":"abc","max_tokens":-10}"#, ""),
        (#"{"prompt":"héllo wörld","max_tokens":5}"#, "olléh"),
        (#"{"prompt":"abcdef","max_tokens":"2"}"#, "ba"),
        (#"{"prompt":"abcdef","max_tokens":4.0}"#, "dcba"),
        (#"{"prompt":"abcdef","max_tokens":true}"#, "a"),
        (#"{"prompt":"abcdef","extra":[1,2]}"#, "fedcba"),
    ] as [(String, String)])
    func inferDefaultsAndLaxCoercions(wire: Wire, example: (body: String, expected: String)) throws {
        let (body, expected) = example
        let r = try client(wire).post("/infer", json: body)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["output"] as? String == expected)
    }

    @Test(arguments: Wire.everyKind) func replicaHeaderOnEveryAnswer(_ wire: Wire) throws {
        for r in [try client(wire).get("/"), try client(wire).get("/healthcheck"), try client(wire).get("/nope"), try client(wire).post("/infer", json: #"{"prompt":"x"}"#)] {
            #expect(r.header("OCTOAI_REPLICA_NAME") == "replica-7")
        }
    }

    @Test(arguments: Wire.everyKind) func unknownPathIs404(_ wire: Wire) throws {
        let r = try client(wire).get("/nope")
        #expect(r.status == 404)
        #expect(r.text == #"{"detail":"Not Found"}"#)
    }

    @Test(arguments: Wire.everyKind) func wrongMethodIs405WithAllow(_ wire: Wire) throws {
        let get = try client(wire).get("/infer")
        #expect(get.status == 405)
        #expect(get.text == #"{"detail":"Method Not Allowed"}"#)
        #expect(get.header("allow") == "POST")
        let post = try client(wire).post("/healthcheck", json: "{}")
        #expect(post.status == 405)
        #expect(post.header("allow") == "GET, HEAD")
    }

    @Test(arguments: Wire.everyKind) func trailingSlashRedirects(_ wire: Wire) throws {
        let r = try client(wire).post("/infer/", json: #"{"prompt":"x"}"#)
        #expect(r.status == 307)
        #expect(r.header("location") == "/infer")
        let q = try client(wire).get("/healthcheck/?a=1")
        #expect(q.status == 307)
        #expect(q.header("location") == "/healthcheck?a=1")
    }

    @Test(arguments: Wire.everyKind) func serviceErrorIsGeneric500AndServerKeepsServing(_ wire: Wire) throws {
        let r = try client(wire).post("/infer", json: #"{"prompt":"boom"}"#)
        #expect(r.status == 500)
        #expect(r.text == #"{"detail":"Internal Server Error"}"#)
        #expect(r.header("content-type") == "application/json")
        #expect(try client(wire).post("/infer", json: #"{"prompt":"ok"}"#).status == 200)
        // The real error is in the log only: the Swift service's, or the Python traceback.
        #expect(try Stack.shared(wire).log.contains(wire.python ? "ValueError: boom requested" : "boom: EchoService.infer() failed on purpose"))
    }

    @Test(arguments: Wire.everyKind) func analyticsCountCPUForInferenceAndWallForPerformance(_ wire: Wire) throws {
        let spin = try client(wire).post("/infer", json: #"{"prompt":"spin:0.3"}"#).object["analytics"] as? [String: Double]
        let spinCPU = try #require(spin?["inference_time_ms"])
        if wire.python {
            // The Python EchoService spins for 0.3 s of wall time: its CPU time is at
            // most that (less on a busy machine), and counted in ms, not in s.
            #expect(spinCPU >= 10 && spinCPU < 3000)
        } else {
            #expect(spinCPU >= 299 && spinCPU < 3000)
        }
        #expect(try #require(spin?["performance_time_ms"]) >= spinCPU)

        let sleep = try client(wire).post("/infer", json: #"{"prompt":"sleep:0.3"}"#).object["analytics"] as? [String: Double]
        #expect(try #require(sleep?["inference_time_ms"]) < 100)
        #expect(try #require(sleep?["performance_time_ms"]) >= 300)
    }

    @Test(arguments: Wire.everyKind) func openAPIDocumentMatchesApiSchemaCommand(_ wire: Wire) throws {
        let served = try client(wire).get("/openapi.json")
        #expect(served.status == 200)
        let document = served.object
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(Set(paths.keys).isSuperset(of: ["/", "/healthcheck", "/infer"]))
        let cli = try CLI.run(wire.serviceArguments + ["api-schema"])
        #expect(cli.status == 0)
        #expect(cli.stdout.trimmingCharacters(in: .newlines) == served.text)
    }

    @Test(arguments: Wire.everyKind) func docsPageDocumentsEveryPathAndFieldSelfContained(_ wire: Wire) throws {
        let r = try client(wire).get("/docs")
        #expect(r.status == 200)
        #expect(r.header("content-type")?.hasPrefix("text/html") == true)
        let page = r.text
        let document = try client(wire).get("/openapi.json").object
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        for (path, methods) in paths {
            #expect(page.contains(">\(path)<"), "\(path) missing")
            guard let post = methods["post"] as? [String: Any] else { continue }
            #expect(page.contains("curl -sS -X POST http://127.0.0.1:8080\(path)"))
            let content = try #require((post["requestBody"] as? [String: Any])?["content"] as? [String: [String: Any]])
            for media in content.values {
                let ref = try #require((media["schema"] as? [String: Any])?["$ref"] as? String)
                let properties = try #require(schemas[String(ref.split(separator: "/").last!)]?["properties"] as? [String: Any])
                for field in properties.keys { #expect(page.contains(">\(field)<"), "field \(field) of \(path) missing") }
            }
        }
        for name in schemas.keys {
            let anchor = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            #expect(page.contains("id=\"schema-\(anchor)\""), "schema \(name) missing")
        }
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("<link"))
    }
}

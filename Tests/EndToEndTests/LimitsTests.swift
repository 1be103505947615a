import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Bodies over the limit get 413 JSON, whether nginx or octoai refuses them.
@Suite struct LimitsTests {
    @Test func nginxRefusesOverItsLimitWithJSON() throws {
        var options = Stack.Options()
        options.nginxMaxBodySize = 64 * 1024
        let stack = try Stack(options)
        defer { stack.stop() }
        let big = #"{"prompt":"\#(String(repeating: "x", count: 100_000))"}"#
        let r = try stack.client.post("/infer", json: big)
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Request body too large"}"#)
        #expect(r.header("content-type") == "application/json")
    }

    @Test func octoaiRefusesOverItsLimitWithJSONOverFastCGI() throws {
        var options = Stack.Options()
        options.arguments += ["--max-body-size", "1000"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let r = try stack.client.post("/infer", json: #"{"prompt":"\#(String(repeating: "y", count: 2000))"}"#)
        #expect(r.status == 413)
        #expect(r.text == #"{"detail":"Request body too large"}"#)
        #expect(try stack.client.post("/infer", json: #"{"prompt":"small"}"#).status == 200)
    }

    @Test func backendDownIsJSONFromNginx() throws {
        let stack = try Stack()
        defer { stack.stop() }
        // A supervisor killed outright takes its children with it (lifeline) and
        // leaves a socket file nobody listens on.
        kill(stack.backend.processIdentifier, SIGKILL)
        try stack.waitFor("the responders to be gone") { (try? stack.client.get("/healthcheck"))?.status == 502 }
        let r = try stack.client.get("/healthcheck")
        #expect(r.status == 502)
        #expect(r.text == #"{"detail":"Bad Gateway"}"#)
        #expect(r.header("content-type") == "application/json")
    }
}

/// `--listen HOST:PORT`: FastCGI over TCP, for an nginx on another host.
@Suite struct TCPListenTests {
    @Test func servesOverTCP() throws {
        var options = Stack.Options()
        options.tcp = true
        let stack = try Stack(options)
        defer { stack.stop() }
        #expect(try stack.client.post("/infer", json: #"{"prompt":"tcp"}"#).object["output"] as? String == "pct")
        #expect(stack.log.contains("listening on 127.0.0.1:"))
    }
}

/// Operator switches: the socket's group, and turning `/docs` off.
@Suite struct OperatorOptionsTests {
    @Test func socketGroupAndDocsOff() throws {
        var options = Stack.Options()
        options.arguments += ["--socket-group", "nogroup", "--docs", "false"]
        let stack = try Stack(options)
        defer { stack.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: stack.directory + "/octoai.sock")
        #expect(attributes[.groupOwnerAccountName] as? String == "nogroup")
        #expect(try stack.client.get("/docs").status == 404)
        #expect(try stack.client.get("/openapi.json").status == 200)
    }
}

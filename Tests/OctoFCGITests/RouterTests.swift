import Logging
import Testing

@testable import OctoFCGI

/// The HTTP contract around a stand-in backend (the real one is exercised end to end).
@Suite struct RouterTests {
    struct FixedStatus: LifecycleStatusSource { var state: LifecycleState }

    final class RecordingBackend: InferenceBackend, @unchecked Sendable {
        var calls: [(Int, String)] = []
        let outcome: InferenceOutcome
        init(_ outcome: InferenceOutcome) { self.outcome = outcome }
        func call(endpoint: Int, input: InferenceInput, client: ClientConnection?) -> InferenceOutcome {
            calls.append((endpoint, String(decoding: FormPayload.joined(input), as: UTF8.self)))
            return outcome
        }
    }

    struct Echo: Service {
        @Schema struct Input: Codable, Sendable {
            var text: String
            var times: Int = 2
        }
        func infer(_ input: Input) throws -> String { input.text }
        func shout(_ input: Input) throws -> String { input.text.uppercased() }
        static var endpoints: [Endpoint<Echo>] { [.post("/shout", Echo.shout)] }
    }

    func router(_ state: LifecycleState = .running, _ backend: RecordingBackend = RecordingBackend(.output(json: Array(#""hi""#.utf8), cpuNanoseconds: 1_500_000)), replica: String? = nil) throws -> Router {
        Router(api: try ServiceDescriptor(Echo.self).api, status: FixedStatus(state: state), asyncEnable: true, backend: backend, logger: Logger(label: "test"), replicaName: replica)
    }

    func post(_ path: String, _ body: String) -> HTTPRequest {
        HTTPRequest(method: "POST", path: path, contentType: "application/json", body: Array(body.utf8))
    }

    @Test func validatedAndNormalisedInputReachesTheBackend() throws {
        let backend = RecordingBackend(.output(json: Array(#""hi""#.utf8), cpuNanoseconds: 1_500_000))
        let r = try router(.running, backend).handle(post("/shout", #"{"text":"a","extra":1}"#))
        #expect(r.status == 200)
        #expect(backend.calls.count == 1)
        #expect(backend.calls.first?.0 == 1)
        #expect(backend.calls.first?.1 == #"{"text":"a","times":2}"#)
        let body = String(decoding: r.body, as: UTF8.self)
        #expect(body.hasPrefix(#"{"output":"hi","analytics":{"inference_time_ms":1.5,"performance_time_ms":"#))
    }

    @Test func invalidInputNeverReachesTheBackend() throws {
        let backend = RecordingBackend(.output(json: [], cpuNanoseconds: 0))
        let r = try router(.running, backend).handle(post("/infer", #"{"times":"x"}"#))
        #expect(r.status == 422)
        #expect(backend.calls.isEmpty)
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(text.contains(#""type":"missing""#))
        #expect(text.contains(#""type":"int_parsing""#))
    }

    @Test(arguments: [LifecycleState.uninitialized, .launchPredictLoop, .setupService, .shuttingDown, .stopped])
    func inferenceWhileNotRunningIs503WithTheState(state: LifecycleState) throws {
        let backend = RecordingBackend(.output(json: [], cpuNanoseconds: 0))
        let r = try router(state, backend).handle(post("/infer", #"{"text":"a"}"#))
        #expect(r.status == 503)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"status":"\#(state.name)"}"#)
        #expect(r.headers.contains { $0.0 == "Retry-After" })
        #expect(backend.calls.isEmpty)
        let health = try router(state).handle(HTTPRequest(method: "GET", path: "/healthcheck"))
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self) == #"{"status":"\#(state.name)","async_enable":true}"#)
    }

    @Test func backendFailuresPassThrough() throws {
        let r = try router(.running, RecordingBackend(.failure(.detail(418, "short and stout")))).handle(post("/infer", #"{"text":"a"}"#))
        #expect(r.status == 418)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"detail":"short and stout"}"#)
    }

    @Test func routingErrors() throws {
        let r = try router()
        #expect(r.handle(HTTPRequest(method: "GET", path: "/missing")).status == 404)
        let wrong = r.handle(HTTPRequest(method: "DELETE", path: "/"))
        #expect(wrong.status == 405)
        #expect(wrong.headers.contains { $0 == ("Allow", "GET, HEAD") })
        let slash = r.handle(HTTPRequest(method: "POST", path: "/shout/", query: "x=1"))
        #expect(slash.status == 307)
        #expect(slash.headers.contains { $0 == ("Location", "/shout?x=1") })
        #expect(r.handle(HTTPRequest(method: "GET", path: "/missing/")).status == 404)
    }

    @Test func replicaNameIsOnEveryAnswer() throws {
        let r = try router(replica: "r1")
        for request in [HTTPRequest(method: "GET", path: "/"), HTTPRequest(method: "GET", path: "/x"), post("/infer", "[")] {
            #expect(r.handle(request).headers.contains { $0 == ("OCTOAI_REPLICA_NAME", "r1") })
        }
    }

    @Test func endpointPathsMustNotCollide() {
        struct Clash: Service {
            func infer(_ input: String) throws -> String { input }
            static var endpoints: [Endpoint<Clash>] { [.post("/healthcheck", Clash.infer)] }
        }
        struct Twice: Service {
            func infer(_ input: String) throws -> String { input }
            static var endpoints: [Endpoint<Twice>] { [.post("/a", Twice.infer), .post("/a", Twice.infer)] }
        }
        #expect(throws: ConfigurationError.self) { try ServiceDescriptor(Clash.self) }
        #expect(throws: ConfigurationError.self) { try ServiceDescriptor(Twice.self) }
    }
}

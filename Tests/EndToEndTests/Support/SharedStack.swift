import OctoFCGI
import Testing

/// What a stack serves over: the transport between nginx and octoai, and the
/// kind of service (a Swift one built into octoai, or its octoai-sdk twin in
/// `../shared/python-services`, run by Python). Suites that hold for both kinds
/// run over ``everyKind``.
struct Wire: Hashable, Sendable, CustomTestStringConvertible {
    var transport: TransportKind
    var python = false

    static let fastcgi = Wire(transport: .fastcgi)
    static let scgi = Wire(transport: .scgi)
    static let fastcgiPython = Wire(transport: .fastcgi, python: true)
    static let scgiPython = Wire(transport: .scgi, python: true)
    /// Both transports, Swift services.
    static let allCases: [Wire] = [.fastcgi, .scgi]
    /// Both transports, Swift and Python services.
    static let everyKind: [Wire] = [.fastcgi, .scgi, .fastcgiPython, .scgiPython]

    var testDescription: String { "\(transport)" + (python ? "+python" : "") }

    /// What an `octoai` command needs to name this wire's service (the Swift
    /// one is named by ``CLI/run(_:service:environment:timeout:executable:)``'s `service`).
    var serviceArguments: [String] { python ? ["--service-module", Stack.pythonEchoService, "--python", Stack.python] : [] }
}

extension Stack {
    /// The stacks a suite marked `@Suite(.sharedStack)` runs against, one per transport.
    @TaskLocal static var current: [Wire: Stack] = [:]

    /// The suite's stack (its first transport's, when it has several).
    static var shared: Stack {
        get throws { try shared(current.keys.contains(.fastcgi) ? .fastcgi : current.keys.first ?? .fastcgi) }
    }

    /// The suite's stack over `transport`.
    static func shared(_ transport: Wire) throws -> Stack {
        guard let stack = current[transport] else {
            throw HTTPClient.Failure(description: "no shared \(transport) stack: mark the suite with .sharedStack(transports: [.\(transport)])")
        }
        return stack
    }
}

/// Starts one stack per transport for a whole suite (read-only contract tests
/// need not pay for a fresh nginx + octoai each) and stops them when it is done.
struct SharedStackTrait: SuiteTrait, TestScoping {
    var environment: [String: String] = [:]
    var arguments: [String] = []
    var transports: [Wire] = [.fastcgi]
    var service = "EchoService"
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        var stacks: [Wire: Stack] = [:]
        defer { for stack in stacks.values { stack.stop() } }
        for transport in transports {
            var options = Stack.Options()
            options.environment.merge(environment) { $1 }
            options.arguments += arguments
            options.service = service
            options.wire = transport
            stacks[transport] = try Stack(options)
        }
        try await Stack.$current.withValue(stacks) { try await function() }
    }
}

extension Trait where Self == SharedStackTrait {
    static var sharedStack: SharedStackTrait { SharedStackTrait() }
    static func sharedStack(environment: [String: String] = [:], arguments: [String] = [], transports: [Wire] = [.fastcgi], service: String = "EchoService") -> SharedStackTrait {
        SharedStackTrait(environment: environment, arguments: arguments, transports: transports, service: service)
    }
}

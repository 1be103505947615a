import OctoFCGI
import Testing

/// The wire between nginx and octoai a stack uses.
typealias Wire = TransportKind

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
            options.transport = transport
            options.service = service
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

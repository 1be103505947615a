import Testing

extension Stack {
    /// The stack a suite marked `@Suite(.sharedStack)` runs against.
    @TaskLocal static var current: Stack?

    static var shared: Stack {
        get throws {
            guard let current else { throw HTTPClient.Failure(description: "no shared stack: mark the suite with .sharedStack") }
            return current
        }
    }
}

/// Starts one stack for a whole suite (read-only contract tests need not pay for
/// a fresh nginx + octoai each) and stops it when the suite is done.
struct SharedStackTrait: SuiteTrait, TestScoping {
    var environment: [String: String] = [:]
    var arguments: [String] = []
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        var options = Stack.Options()
        options.environment.merge(environment) { $1 }
        options.arguments += arguments
        let stack = try Stack(options)
        defer { stack.stop() }
        try await Stack.$current.withValue(stack) { try await function() }
    }
}

extension Trait where Self == SharedStackTrait {
    static var sharedStack: SharedStackTrait { SharedStackTrait() }
    static func sharedStack(environment: [String: String] = [:], arguments: [String] = []) -> SharedStackTrait {
        SharedStackTrait(environment: environment, arguments: arguments)
    }
}

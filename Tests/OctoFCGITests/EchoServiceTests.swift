import Examples
import Testing

@Suite struct EchoServiceTests {
    @Test(arguments: [
        ("hello", 16, "olleh"), ("abcdef", 3, "cba"), ("abcdef", -2, "dcba"), ("abc", -10, ""), ("abc", 0, ""),
        ("héllo", 2, "éh"), ("👍🏽ok", 2, "🏽👍"),
    ])
    func pythonSliceThenReverseByScalar(prompt: String, maxTokens: Int, expected: String) {
        #expect(EchoService.reversedPrefix(prompt, maxTokens: maxTokens) == expected)
    }

    @Test func boomThrowsAPlainError() {
        #expect(throws: (any Error).self) { try EchoService().infer(.init(prompt: "boom")) }
    }
}

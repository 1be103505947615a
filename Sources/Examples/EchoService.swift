import Foundation
import OctoFCGI

/// The reference service every compatibility test uses (CONTRACT §6), identical in
/// behaviour to the one the Python seed was measured with.
public struct EchoService: Service {
    @Schema
    public struct Input: Codable, Sendable {
        /// The text to echo back reversed. `boom` fails, `sleep:N` sleeps N seconds
        /// first, `spin:N` burns CPU for N seconds first.
        public var prompt: String
        /// How many characters of `prompt` to keep (Python slice: negative counts from the end).
        public var max_tokens: Int = 16

        public init(prompt: String, max_tokens: Int = 16) {
            self.prompt = prompt
            self.max_tokens = max_tokens
        }
    }

    public typealias Output = String

    @Schema
    public struct TokenizeInput: Codable, Sendable {
        /// The text to split on whitespace.
        public var text: String
        public init(text: String) { self.text = text }
    }

    /// The form-data endpoint's input: a file part and a text field.
    @Schema
    public struct UploadForm: Codable, Sendable {
        /// The file to describe.
        public var file: FormFile
        /// Any text; echoed back.
        public var label: String
    }

    public struct UploadOutput: Codable, Sendable, Equatable {
        public var size: Int
        public var head_hex: String
        public var label: String
        public var filename: String
    }

    @Schema
    public struct StreamInput: Codable, Sendable {
        /// The text whose `/infer` answer is streamed, one character per event. `boom` fails after the first.
        public var prompt: String
        /// As for `/infer`.
        public var max_tokens: Int = 16
        /// Milliseconds between two events (at most 5000).
        public var delay_ms: Int = 0
    }

    /// One event of `/stream`.
    public struct Token: Codable, Sendable, Equatable {
        public var token: String
    }

    public static var endpoints: [Endpoint<EchoService>] {
        [.post("/tokenize", EchoService.tokenize), .form("/upload", EchoService.upload), .stream("/stream", EchoService.stream)]
    }

    /// `POST /stream`: the characters of the `/infer` answer, one event each,
    /// `delay_ms` apart (CONTRACT §6).
    public func stream(_ input: StreamInput, _ tokens: StreamSink<Token>) throws {
        let answer = Self.reversedPrefix(input.prompt, maxTokens: input.max_tokens)
        let delay = Double(min(max(input.delay_ms, 0), 5000)) / 1000
        for (index, character) in answer.unicodeScalars.enumerated() {
            if index > 0, delay > 0 { Thread.sleep(forTimeInterval: delay) }
            try tokens.yield(Token(token: String(character)))
            if input.prompt == "boom" { throw EchoBoom() }
        }
    }

    public init() {}

    /// Stateless: any number of calls may run at once (`--model-concurrency`).
    public static var maxConcurrency: Int { 64 }

    /// `POST /upload`: the file's size, its first 8 bytes in hex, the label and the file name.
    public func upload(_ form: UploadForm) throws -> UploadOutput {
        let head = form.file.data.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return UploadOutput(size: form.file.data.count, head_hex: head, label: form.label, filename: form.file.filename)
    }

    /// `POST /tokenize`: `text.split()` in Python.
    public func tokenize(_ input: TokenizeInput) throws -> [String] {
        input.text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Sleeps `SETUP_SECONDS` (default 3, may be fractional); throws when `SETUP_FAIL=1`
    /// or when the file `SETUP_FAIL_FILE` names exists.
    public mutating func setup() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = env["SETUP_SECONDS"].flatMap(Double.init) ?? 3
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
        // SETUP_FAIL_FILE lets an operator (or a test) make a later setup fail, e.g. on reload.
        if env["SETUP_FAIL"] == "1" || env["SETUP_FAIL_FILE"].map({ FileManager.default.fileExists(atPath: $0) }) == true {
            throw EchoSetupError()
        }
    }

    public func infer(_ input: Input) throws -> String {
        let prompt = input.prompt
        if prompt == "boom" { throw EchoBoom() }
        if let seconds = Self.seconds(after: "sleep:", in: prompt) {
            Thread.sleep(forTimeInterval: seconds)
        } else if let seconds = Self.seconds(after: "spin:", in: prompt) {
            Self.spin(seconds: seconds)
        }
        return Self.reversedPrefix(prompt, maxTokens: input.max_tokens)
    }

    /// `prompt[:maxTokens][::-1]` in Python, by Unicode scalar (Python's character).
    public static func reversedPrefix(_ prompt: String, maxTokens: Int) -> String {
        let scalars = Array(prompt.unicodeScalars)
        let end = maxTokens >= 0 ? min(maxTokens, scalars.count) : max(scalars.count + maxTokens, 0)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[..<end].reversed())
        return String(out)
    }

    public static func seconds(after prefix: String, in prompt: String) -> Double? {
        guard prompt.hasPrefix(prefix) else { return nil }
        return Double(prompt.dropFirst(prefix.count)).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
    }

    /// Burns `seconds` of this thread's CPU time (not wall time, so a busy machine
    /// still reports the requested `inference_time_ms`).
    static func spin(seconds: Double) {
        let end = MonotonicClock.threadCPUNanoseconds() + UInt64(seconds * 1e9)
        var x: UInt64 = 1
        while MonotonicClock.threadCPUNanoseconds() < end {
            for _ in 0..<1000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        }
        if x == 42 { print("") }  // keeps the loop from being optimised away
    }
}

struct EchoSetupError: Error, CustomStringConvertible {
    var description: String { "SETUP_FAIL=1: EchoService.setup() failed on purpose" }
}

struct EchoBoom: Error, CustomStringConvertible {
    var description: String { "boom: EchoService.infer() failed on purpose" }
}

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Type=notify`: the supervisor's datagrams to `NOTIFY_SOCKET`, received here as
/// systemd would, with `/healthcheck` asked through nginx the moment each arrives.
@Suite(.serialized) struct SystemdNotifyTests {
    /// The nginx port, known once the stack is up (the receiver exists before it).
    final class PortBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var port: Int {
            get { lock.lock(); defer { lock.unlock() }; return value }
            set { lock.lock(); value = newValue; lock.unlock() }
        }
    }

    static func health(_ box: PortBox) -> String {
        let deadline = Date().addingTimeInterval(5)
        while box.port == 0, Date() < deadline { usleep(5_000) }
        guard let response = try? HTTPClient(port: box.port).get("/healthcheck") else { return "no answer" }
        return "\(response.status) \(response.text)"
    }

    func index(of field: String, in messages: [NotifyReceiver.Message], after start: Int = 0) -> Int? {
        messages.indices.first { $0 >= start && messages[$0].fields.contains(field) }
    }

    @Test func readyOnlyOnceRunningThenReloadingReadyAndStoppingOnSIGTERM() throws {
        let box = PortBox()
        let path = NSTemporaryDirectory() + "octoai-notify-\(UUID().uuidString.prefix(8)).sock"
        let receiver = try NotifyReceiver(path: path) { _ in SystemdNotifyTests.health(box) }
        defer { receiver.stop() }
        var options = Stack.Options()
        options.environment = ["SETUP_SECONDS": "1", "NOTIFY_SOCKET": path]
        options.waitUntilRunning = false
        let stack = try Stack(options)
        defer { stack.stop() }
        box.port = stack.port
        try stack.waitFor("READY=1") { index(of: "READY=1", in: receiver.messages) != nil }
        var messages = receiver.messages
        let ready = try #require(index(of: "READY=1", in: messages))
        #expect(messages[ready].observed.hasPrefix("200 "), "READY=1 came while /healthcheck said \(messages[ready].observed)")
        #expect(messages[ready].fields.contains("STATUS=RUNNING"))
        #expect(messages[..<ready].contains { $0.fields.contains("STATUS=SETUP_SERVICE") }, "\(messages.map(\.fields))")
        #expect(messages[..<ready].allSatisfy { !$0.observed.hasPrefix("200 ") }, "\(messages.map(\.observed))")

        kill(stack.backend.processIdentifier, SIGHUP)
        try stack.waitFor("RELOADING=1 then READY=1") {
            let now = receiver.messages
            return index(of: "RELOADING=1", in: now).flatMap { index(of: "READY=1", in: now, after: $0) } != nil
        }
        messages = receiver.messages
        let reloading = try #require(index(of: "RELOADING=1", in: messages))
        #expect(messages[reloading].fields.contains { $0.hasPrefix("MONOTONIC_USEC=") })
        #expect(stack.log.contains("reload: generation 2 is serving"))

        kill(stack.backend.processIdentifier, SIGTERM)
        #expect(try stack.waitForExit() == 0)
        try stack.waitFor("STATUS=STOPPED") { index(of: "STATUS=STOPPED", in: receiver.messages) != nil }
        messages = receiver.messages
        let stopping = try #require(index(of: "STOPPING=1", in: messages))
        #expect(messages[stopping].fields.contains("STATUS=SHUTTING_DOWN"))
        #expect(!messages[stopping].observed.hasPrefix("200 "), "STOPPING=1 came while /healthcheck said \(messages[stopping].observed)")
        #expect(messages.filter { $0.fields.contains("READY=1") }.count == 2, "\(messages.map(\.fields))")
    }
}

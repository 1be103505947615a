import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A client of a `text/event-stream` answer that reads it as it comes, the way
/// the octoai client's `infer_stream` does, and notes when each event arrived:
/// so tests can tell a stream from an answer that was buffered and sent at once,
/// stop reading for a while (a slow client), or go away mid-stream.
final class EventStreamClient {
    struct Event {
        /// What followed `data: `.
        var data: String
        /// Seconds from sending the request to receiving the event.
        var at: Double
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }
    }

    private var fd: Int32
    private var sentAt: Date
    private var raw: [UInt8] = []
    /// The body decoded so far (chunked transfer decoding undone), not yet split into events.
    private var body: [UInt8] = []
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    private var headRead = false
    private var chunked = false

    init(port: Int, path: String, json: String, headers extra: [String: String] = [:]) throws {
        let fd = try HTTPClient.connect(port: port, timeout: 20)
        self.fd = fd
        sentAt = Date()
        let bytes = Array(json.utf8)
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(bytes.count)\r\n"
        for (name, value) in extra { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n").utf8) + bytes
        sentAt = Date()
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HTTPClient.Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    deinit { disconnect() }

    /// Goes away: closes the connection with the rest unread.
    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// Reads the answer's head (status and headers); the body may follow.
    func readHead() throws {
        while !headRead { try receive() }
    }

    /// The whole body of a non-streamed answer (a 422, a 503...).
    func readToEnd() throws -> String {
        try readHead()
        while (try? receive()) != nil {}
        return String(decoding: body, as: UTF8.self)
    }

    /// The next `data:` event; nil when the connection ended first.
    func next() throws -> Event? {
        while true {
            if let separator = findSeparator() {
                let text = String(decoding: body[..<separator], as: UTF8.self)
                body.removeSubrange(..<(separator + 2))
                let at = Date().timeIntervalSince(sentAt)
                for line in text.split(separator: "\n") where line.hasPrefix("data:") {
                    return Event(data: line.dropFirst(5).trimmingCharacters(in: .whitespaces), at: at)
                }
                continue
            }
            guard (try? receive()) != nil else { return nil }
        }
    }

    /// Every event up to and including `[DONE]` (or the end of the connection).
    func readAll() throws -> [Event] {
        var events: [Event] = []
        while let event = try next() {
            events.append(event)
            if event.data == "[DONE]" { break }
        }
        return events
    }

    private func findSeparator() -> Int? {
        guard body.count >= 2 else { return nil }
        return (0..<(body.count - 1)).first { body[$0] == 10 && body[$0 + 1] == 10 }
    }

    /// One `recv`; throws at EOF or on an error.
    private func receive() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { throw HTTPClient.Failure(description: "connection ended (\(n), errno \(errno))") }
        raw += buffer[0..<n]
        decode()
    }

    /// Moves what has arrived from `raw` into the head or `body`.
    private func decode() {
        if !headRead {
            guard let end = (0..<max(0, raw.count - 3)).first(where: { raw[$0] == 13 && raw[$0 + 1] == 10 && raw[$0 + 2] == 13 && raw[$0 + 3] == 10 }) else {
                return
            }
            let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            status = Int(lines[0].split(separator: " ")[1]) ?? 0
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            chunked = headers["transfer-encoding"]?.lowercased() == "chunked"
            raw.removeSubrange(..<(end + 4))
            headRead = true
        }
        guard chunked else {
            body += raw
            raw = []
            return
        }
        // Whole chunks only: `size CRLF data CRLF`.
        while let lineEnd = raw.count < 2 ? nil : (0..<(raw.count - 1)).first(where: { raw[$0] == 13 && raw[$0 + 1] == 10 }) {
            let size = Int(String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            body += raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            raw.removeSubrange(..<(lineEnd + 2 + size + 2))
            if size == 0 { return }
        }
    }
}

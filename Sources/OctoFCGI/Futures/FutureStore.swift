import Foundation
import Synchronization

import Glibc

/// The futures of long-running inference (`X-OctoAI-Async: 1`, CONTRACT §8),
/// kept as files in one private directory of the backend's runtime directory, so
/// that every process sees the same futures and none holds them: a responder
/// that dies, or all of them replaced by a reload, loses nothing. Per future `ID`
/// (32 random hex digits, unguessable):
/// - `ID.call`: the validated call, written by the responder that took the
///   request (``FutureCall``): the future is `pending`;
/// - `ID.running`: the dispatcher (in the supervisor) has sent it to the model;
/// - `ID.result`: the whole answer, exactly what the call would have answered
///   (`completed` when its status is 200, else `failed`); the other two are gone.
/// Each file is written whole and renamed into place, so a reader never sees
/// half of one. Results are removed `ttl` seconds after they were written.
/// Bounds (count, bytes) are checked when a future is submitted; several
/// responders submitting at the same instant may pass them by a few.
package final class FutureStore: Sendable {
    package enum State: String, Sendable, CaseIterable {
        case pending, running, completed, failed
    }

    package let directory: String
    let ttl: Double
    let maxCount: Int
    let maxBytes: Int
    /// Seconds a result is kept once it has been fetched (at most its TTL).
    static let fetchedTTL = 60.0
    /// What the store held at the last look, and when (monotonic ns): a look reads
    /// every file's size, so submits within a second of one add to it instead.
    private let usageCache = Mutex<(count: Int, bytes: Int, at: UInt64)?>(nil)

    package init(directory: String, ttl: Double, maxCount: Int, maxBytes: Int) {
        self.directory = directory
        self.ttl = ttl
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    /// The store of a backend whose runtime directory is `runtime`, configured by `config`.
    package convenience init(runtime: String, config: ServeConfiguration) {
        self.init(directory: runtime + "/futures", ttl: config.futuresTTL, maxCount: config.futuresMaxCount, maxBytes: config.futuresMaxBytes)
    }

    /// Where the dispatcher is told of new calls (a datagram carrying the id).
    package var dispatchSocket: String { directory + "/dispatch.sock" }

    /// Makes the directory (0700: the model's inputs and answers are private).
    package func create() throws {
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw UnixSocket.Failure(call: "mkdir \(directory)", code: errno) }
    }

    /// Stores `call` as a new pending future; nil when the store is full.
    package func submit(_ call: FutureCall) -> String? {
        let bytes = call.encoded
        let now = MonotonicClock.nanoseconds()
        let admitted = usageCache.withLock { cache -> Bool in
            if cache == nil || now &- cache!.at > 1_000_000_000 {
                let usage = self.usage()
                cache = (usage.count, usage.bytes, now)
            }
            guard cache!.count < maxCount, cache!.bytes + bytes.count <= maxBytes else { return false }
            cache!.count += 1
            cache!.bytes += bytes.count
            return true
        }
        guard admitted else { return nil }
        let id = Self.newID()
        guard write(bytes, to: path(id, "call")) else { return nil }
        return id
    }

    /// The call of a future not yet finished.
    package func call(_ id: String) -> FutureCall? {
        guard Self.isValid(id), let data = FileManager.default.contents(atPath: path(id, "call")) else { return nil }
        return FutureCall(encoded: Array(data))
    }

    /// The dispatcher has sent the call to the model.
    package func markRunning(_ id: String) {
        _ = write([], to: path(id, "running"))
    }

    /// Stores the answer; the future is completed (200) or failed (anything else).
    package func finish(_ id: String, with answer: HTTPResponse) {
        guard write(FutureAnswer.encode(answer), to: path(id, "result")) else { return }
        unlink(path(id, "call"))
        unlink(path(id, "running"))
    }

    /// The future's state; nil for an unknown, malformed or expired id.
    package func state(_ id: String) -> State? {
        guard Self.isValid(id) else { return nil }
        if let status = resultStatus(id) { return status == 200 ? .completed : .failed }
        if access(path(id, "running"), F_OK) == 0 { return .running }
        if access(path(id, "call"), F_OK) == 0 { return .pending }
        // It may have finished between the looks.
        if let status = resultStatus(id) { return status == 200 ? .completed : .failed }
        return nil
    }

    /// A finished future's answer; nil while it runs, or for an unknown or expired id.
    /// Once fetched, it is kept for ``fetchedTTL`` more seconds (a client that lost
    /// the answer can fetch it again), not for the whole TTL.
    package func answer(_ id: String) -> HTTPResponse? {
        let file = path(id, "result")
        guard Self.isValid(id), !expired(file), let data = FileManager.default.contents(atPath: file) else { return nil }
        let expiresAt = Date().timeIntervalSince1970 + min(Self.fetchedTTL, ttl) - ttl
        var times = [timespec](repeating: timespec(tv_sec: Int(expiresAt), tv_nsec: 0), count: 2)
        if Self.modified(file).map({ $0 > expiresAt }) == true { _ = utimensat(AT_FDCWD, file, &times, 0) }
        return FutureAnswer.decode(Array(data))
    }

    /// A file's modification time (seconds since 1970), nil when it is not there.
    static func modified(_ file: String) -> Double? {
        var info = stat()
        guard stat(file, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// Pending futures the dispatcher has not sent, oldest first.
    package func unsent() -> [String] {
        entries().filter { $0.kind == "call" && access(path($0.id, "running"), F_OK) != 0 }.sorted { $0.modified < $1.modified }.map(\.id)
    }

    /// Removes the results past their time; returns how many.
    @discardableResult
    package func sweep() -> Int {
        var removed = 0
        for entry in entries() where entry.kind == "result" && Date().timeIntervalSince1970 - entry.modified > ttl {
            unlink(path(entry.id, "result"))
            removed += 1
        }
        return removed
    }

    /// How many futures are in each state (for `/metrics`).
    package func counts() -> [State: Int] {
        var counts: [State: Int] = [:]
        for id in Set(entries().map(\.id)) {
            if let state = state(id) { counts[state, default: 0] += 1 }
        }
        return counts
    }

    // MARK: - Files

    struct Entry {
        var id: String
        var kind: String
        var size: Int
        var modified: Double
    }

    /// The store's files, as (id, kind) with size and modification time.
    func entries() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.compactMap { name in
            guard let dot = name.firstIndex(of: "."), Self.isValid(String(name[..<dot])) else { return nil }
            var info = stat()
            guard stat(directory + "/" + name, &info) == 0 else { return nil }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            return Entry(id: String(name[..<dot]), kind: String(name[name.index(after: dot)...]), size: Int(info.st_size), modified: modified)
        }
    }

    /// What the kept futures take; expired results (not yet swept) count for nothing.
    func usage() -> (count: Int, bytes: Int) {
        let now = Date().timeIntervalSince1970
        let entries = self.entries().filter { $0.kind != "result" || now - $0.modified <= ttl }
        return (Set(entries.filter { $0.kind == "call" || $0.kind == "result" }.map(\.id)).count, entries.reduce(0) { $0 + $1.size })
    }

    func path(_ id: String, _ kind: String) -> String { directory + "/" + id + "." + kind }

    /// The HTTP status of a result that is there and not expired.
    private func resultStatus(_ id: String) -> Int? {
        let file = path(id, "result")
        guard !expired(file) else { return nil }
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = [0, 0]
        guard read(fd, &bytes, 2) == 2 else { return nil }
        return Int(LittleEndian.read(bytes, at: 0) as UInt16)
    }

    private func expired(_ file: String) -> Bool {
        guard let modified = Self.modified(file) else { return false }
        return Date().timeIntervalSince1970 - modified > ttl
    }

    /// Writes a temporary file and renames it into place.
    private func write(_ bytes: [UInt8], to file: String) -> Bool {
        let temporary = file + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            offset += n
        }
        let written = offset == bytes.count
        close(fd)
        guard written, rename(temporary, file) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// 32 lower-case hex digits from the system's random source.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Whether `id` could be one of ours (anything else never reaches the file system).
    static func isValid(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// A finished future's answer on disk: `u16 status | u32 content-type length |
/// content type | u32 headers length | headers as JSON [[name, value], ...] | body`.
enum FutureAnswer {
    static func encode(_ answer: HTTPResponse) -> [UInt8] {
        let type = Array(answer.contentType.utf8)
        let headers = JSONValue.array(answer.headers.map { .array([.string($0.0), .string($0.1)]) }).bytes
        var out: [UInt8] = []
        LittleEndian.append(UInt16(clamping: answer.status), to: &out)
        LittleEndian.append(UInt32(type.count), to: &out)
        out += type
        LittleEndian.append(UInt32(headers.count), to: &out)
        out += headers
        out += answer.body
        return out
    }

    static func decode(_ bytes: [UInt8]) -> HTTPResponse? {
        guard bytes.count >= 6 else { return nil }
        let typeLength = Int(LittleEndian.read(bytes, at: 2) as UInt32)
        guard 6 + typeLength + 4 <= bytes.count else { return nil }
        let type = String(decoding: bytes[6..<(6 + typeLength)], as: UTF8.self)
        let headersAt = 6 + typeLength
        let headersLength = Int(LittleEndian.read(bytes, at: headersAt) as UInt32)
        guard headersAt + 4 + headersLength <= bytes.count,
            case let .array(pairs)? = try? JSONParser.parse(Array(bytes[(headersAt + 4)..<(headersAt + 4 + headersLength)]))
        else { return nil }
        let headers: [(String, String)] = pairs.compactMap { pair in
            guard case let .array(items) = pair, items.count == 2, case let .string(name) = items[0], case let .string(value) = items[1] else { return nil }
            return (name, value)
        }
        return HTTPResponse(
            status: Int(LittleEndian.read(bytes, at: 0) as UInt16), contentType: type, headers: headers, body: Array(bytes[(headersAt + 4 + headersLength)...]))
    }
}

extension FutureStore {
    /// Tells the dispatcher that future `id` waits (one datagram; if it is lost,
    /// the dispatcher's periodic look at the store finds the call anyway).
    package func announce(_ id: String) {
        guard var address = try? UnixSocket.address(dispatchSocket) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(id.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}

import Foundation

extension Stack {
    /// The value of one series (`name` or `name{labels}`) in a `/metrics` scrape, nil if absent.
    func metric(_ series: String) throws -> Double? {
        let text = try client.get("/metrics").text
        return text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }
}

extension Stack {
    /// The resident memory of the backend (the supervisor and every process
    /// below it), in kB; nil when it cannot be read.
    func totalRSSKilobytes() -> Int? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var parent: [Int32: Int32] = [:]
        for pid in entries.compactMap(Int32.init) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
                let ppid = stat[stat.index(close, offsetBy: 2)...].split(separator: " ").dropFirst().first.flatMap({ Int32($0) })
            else { continue }
            parent[pid] = ppid
        }
        func descends(_ pid: Int32) -> Bool {
            var current = pid
            for _ in 0..<16 {
                if current == backend.processIdentifier { return true }
                guard let next = parent[current], next > 1 else { return false }
                current = next
            }
            return false
        }
        var total = 0
        for pid in parent.keys where descends(pid) {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
            else { continue }
            total += kB
        }
        return total
    }
}

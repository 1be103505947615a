// swift-tools-version:6.0
// A service in its own package: depends on octoai-fcgi and gets the whole
// `octoai` command line from one line in main.swift.
import PackageDescription

let package = Package(
    name: "HelloService",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "octoai-fcgi", path: "../..")],
    targets: [
        .executableTarget(name: "HelloService", dependencies: [.product(name: "OctoFCGI", package: "octoai-fcgi")])
    ]
)

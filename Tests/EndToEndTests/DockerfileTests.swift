import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `Dockerfile` cannot be built here (no Docker engine), so what it does is tested
/// piece by piece: it installs only through scripts/install-deploy-deps.sh, whose build
/// and runtime modes are run here, and builds the way the README says.
@Suite struct DockerfileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func dockerfile() throws -> String { try String(contentsOfFile: root + "/Dockerfile", encoding: .utf8) }

    @Test func theImageInstallsOnlyThroughTheTestedScriptAndBuildsStatically() throws {
        let text = try Self.dockerfile()
        let runs = text.split(separator: "\n").filter { $0.hasPrefix("RUN ") }
        #expect(!runs.isEmpty)
        #expect(runs.allSatisfy { !$0.contains("apt-get") && !$0.contains("pip ") }, "install steps belong in scripts/install-deploy-deps.sh")
        #expect(text.contains("OCTOAI_DEPLOY_DEPS=build bash scripts/install-deploy-deps.sh"))
        #expect(text.contains("OCTOAI_DEPLOY_DEPS=runtime bash /opt/octoai/install-deploy-deps.sh"))
        #expect(text.contains("swift build -c release --static-swift-stdlib --product octoai"))
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        #expect(readme.contains("swift build -c release --static-swift-stdlib --product octoai"))
        let deployment = try String(contentsOfFile: Self.root + "/deploy/kubernetes/deployment.yaml", encoding: .utf8)
        #expect(deployment.contains("image: octoai-fcgi:latest"), "the manifests run the image this Dockerfile makes")
    }

    @Test(arguments: ["build", "runtime"])
    func theImageStagesInstallStepsRunHere(mode: String) throws {
        let (status, text) = try Shell.run("bash", [Self.root + "/scripts/install-deploy-deps.sh"], in: Self.root, environment: ["OCTOAI_DEPLOY_DEPS": mode])
        #expect(status == 0, "\(text)")
    }
}

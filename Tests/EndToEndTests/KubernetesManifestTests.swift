import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `deploy/kubernetes/`: every manifest validates against the Kubernetes 1.31 schema
/// (`kubernetes-validate --strict`), and the probes, ports, socket path, drain timeout,
/// volumes and selectors agree with `deploy/nginx.conf` and `octoai fcgi`'s flags
/// (`Tests/deploy/check_kubernetes.py`, in the venv scripts/install-deploy-deps.sh makes).
@Suite struct KubernetesManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func manifestsValidateAndAgreeWithNginxConfAndTheFlags() throws {
        let python = Self.root + "/.build-venv/bin/python"
        try #require(access(python, X_OK) == 0, "no \(python): run scripts/install-deploy-deps.sh")
        let (status, text) = try Shell.run(python, [Self.root + "/Tests/deploy/check_kubernetes.py", Stack.executable], in: Self.root)
        #expect(status == 0, "\(text)")
        #expect(text.contains("kubernetes-validate --strict -k 1.31.0 on 5 manifests"), "\(text)")
        #expect(text.contains(" 0 failed"), "\(text)")
    }
}

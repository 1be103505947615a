import Foundation
import Testing
@testable import MiniLM

/// Which OpenBLAS kernels the model loads (BLAS.coreType): AVX-512 where the CPU has it.
@Suite struct BLASChoiceTests {
    static let avx512: Set<Substring> = ["fma", "avx2", "avx512f", "avx512dq", "avx512bw", "avx512vl"]

    @Test func avx512CPUsGetTheSkylakeXKernels() {
        #expect(BLAS.coreType(flags: Self.avx512, environment: [:]) == "SkylakeX")
        #expect(BLAS.coreType(flags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == "SkylakeX")
    }

    @Test func otherCPUsKeepTheEnvironment() {
        #expect(BLAS.coreType(flags: ["fma", "avx2", "avx512f"], environment: [:]) == nil)
        #expect(BLAS.coreType(flags: [], environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
    }

    @Test func theOverrideWins() {
        #expect(BLAS.coreType(flags: Self.avx512, environment: [BLAS.overrideVariable: "keep"]) == nil)
        #expect(BLAS.coreType(flags: [], environment: [BLAS.overrideVariable: "Haswell"]) == "Haswell")
    }

    /// The library really runs what was chosen, and the environment is left as it was.
    @Test func theLoadedKernelsAreTheChosenOnes() throws {
        let before = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let core = try MiniLMModel.blasCore()
        let chosen = BLAS.coreType(flags: BLAS.cpuFlags(), environment: ProcessInfo.processInfo.environment)
        if let chosen { #expect(core.lowercased() == chosen.lowercased()) }
        #expect(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == before)
        print("OpenBLAS kernels: \(core)")
    }
}

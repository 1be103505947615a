import Testing
@testable import MiniLM

/// How a team's region is cut: every index exactly once, in aligned slices.
@Suite struct SplitTests {
    @Test(arguments: [1, 2, 3, 4])
    func slicesCoverEverythingOnce(parts: Int) {
        for count in [0, 1, 7, 15, 16, 17, 384, 1536, 1000] {
            for align in [1, 16] {
                var covered = [Int](repeating: 0, count: count)
                var next = 0
                for part in 0..<parts {
                    let range = BertEncoder.Split(part: part, parts: parts).range(count, align: align)
                    #expect(range.lowerBound == next, "count \(count) align \(align) part \(part)")
                    if range.upperBound < count { #expect(range.upperBound % align == 0) }
                    for i in range { covered[i] += 1 }
                    next = range.upperBound
                }
                #expect(covered.allSatisfy { $0 == 1 }, "count \(count) align \(align) parts \(parts)")
            }
        }
    }

    /// A team runs every part of a region once per `run`, and many regions in a row.
    @Test func teamRunsEveryPartOfEveryRegion() {
        let team = WorkerTeam(size: 3)
        #expect(team.tryAcquire())
        #expect(!team.tryAcquire())
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        counts.initialize(repeating: 0, count: 3)
        defer { counts.deallocate() }
        for _ in 0..<2_000 { team.run { counts[$0] += 1 } }
        team.release()
        #expect((0..<3).map { counts[$0] } == [2_000, 2_000, 2_000])
        #expect(team.tryAcquire())
        team.release()
    }
}

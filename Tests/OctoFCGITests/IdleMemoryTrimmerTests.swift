import Testing

@testable import OctoFCGI

/// When a child gives its freed buffers back: on the first quiet tick after
/// enough work, never while it is busy, and not for a trickle of small calls.
@Suite struct IdleMemoryTrimmerTests {
    func trims(_ ticks: [UInt64]) -> [Bool] {
        var sinceTrim: UInt64 = 0
        return ticks.map { IdleMemoryTrimmer.shouldTrim(used: $0 * 1_000_000, sinceTrim: &sinceTrim) }
    }

    @Test func aBurstIsTrimmedOnceItsProcessIsQuiet() {
        #expect(trims([150, 190, 120, 0, 0, 0]) == [false, false, false, true, false, false])
        #expect(trims([150, 1, 150, 1]) == [false, true, false, true], "every burst")
    }

    @Test func aBusyProcessKeepsWhatItReuses() {
        #expect(trims([200, 200, 200, 200]) == [false, false, false, false])
    }

    @Test func aTrickleOfSmallCallsTrimsOnlyOnceItAddsUp() {
        // 1 ms a tick is quiet; 20 ms of it together is worth one trim.
        #expect(trims(Array(repeating: 1, count: 25)).filter { $0 }.count == 1)
    }
}

import Testing

@testable import OctoFCGI

@Suite struct SupervisorPartsTests {
    @Test func backoffStartsAtZeroDoublesCapsAndForgets() {
        var b = Backoff(base: 0.25, cap: 2, calmPeriod: 30)
        #expect(b.nextDelay(ranFor: 1) == 0)
        #expect(b.nextDelay(ranFor: 1) == 0.25)
        #expect(b.nextDelay(ranFor: 1) == 0.5)
        #expect(b.nextDelay(ranFor: 1) == 1)
        #expect(b.nextDelay(ranFor: 1) == 2)
        #expect(b.nextDelay(ranFor: 1) == 2)
        #expect(b.nextDelay(ranFor: 31) == 0)
    }

    @Test func childReportsRoundTrip() {
        for report in [ChildReport.setupStarted, .running, .setupFailed("bad\nweights")] {
            let line = report.line
            #expect(line.hasSuffix("\n"))
            #expect(line.dropLast().contains("\n") == false)
            let parsed = ChildReport(line: Substring(line.dropLast()))
            #expect(parsed?.line == report.line)
        }
        #expect(ChildReport(line: "WHAT") == nil)
    }

    @Test func clickStyleBooleans() {
        for yes in ["true", "1", "YES", "on", "t", "y"] { #expect(ClickBool(argument: yes)?.value == true) }
        for no in ["false", "0", "no", "Off", "f", "n"] { #expect(ClickBool(argument: no)?.value == false) }
        #expect(ClickBool(argument: "maybe") == nil)
    }

    @Test func stateNamesAreTheSeeds() {
        #expect(LifecycleState.allCases.map(\.name) == ["UNINITIALIZED", "LAUNCH_PREDICT_LOOP", "SETUP_SERVICE", "RUNNING", "SHUTTING_DOWN", "STOPPED"])
    }

    @Test func sharedStatusIsSeenThroughASecondMapping() throws {
        let page = try SharedStatus.create()
        page.state = .setupService
        page.ownerGeneration = 41
        #expect(page.state == .setupService)
        #expect(page.ownerGeneration == 41)
    }
}

import Testing
@testable import OctoFCGI
@Test func placeholder() { #expect(Bool(true)) }

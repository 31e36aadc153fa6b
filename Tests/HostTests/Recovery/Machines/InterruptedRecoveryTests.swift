@testable import Host
import Testing

@Suite("Crash-restart conclusion")
struct InterruptedRecoveryTests {
    @Test("a recovery found running at start is concluded interrupted, not resumed")
    func concluded() {
        let trace = MachineTrace(InterruptedRecovery(), [])
        #expect(trace.path.isEmpty)
        #expect(trace.status == .interrupted)
        #expect(trace.errors == ["the daemon stopped during this recovery; it was not resumed. Check the topology, then acknowledge it"])
    }
}

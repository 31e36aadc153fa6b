import Foundation
@testable import Host
import Testing

@Suite("Slot cleanup after a switchover")
struct SlotCleanupTests {
    static func record(_ host: String, slot: String) -> (InstanceKey, InstanceRecord) {
        var record = InstanceRecord(key: pg(host), firstSeen: Date())
        var probe = Fixture.probe(primary: false, fingerprint: host, upstream: pg("db1"))
        probe.settings.primarySlotName = slot
        record.probe = probe
        return (pg(host), record)
    }

    @Test("a moved standby's own slot goes; a shared name or none stays")
    func plan() {
        let records = Dictionary(uniqueKeysWithValues: [Self.record("db2", slot: "db2"), Self.record("db3", slot: "shared"),
                                                        Self.record("db4", slot: "shared"), Self.record("db5", slot: "")])
        let plan = SlotCleanup.plan(moved: [pg("db2"), pg("db3"), pg("db5"), pg("db9")], in: records)
        #expect(plan.drop == [SlotCleanup.Slot(key: pg("db2"), name: "db2")])
        #expect(plan.kept == [SlotCleanup.Slot(key: pg("db3"), name: "shared", sharing: [pg("db4")])])
    }
}

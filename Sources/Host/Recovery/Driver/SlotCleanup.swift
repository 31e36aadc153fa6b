/// Which replication slots on an old primary belong to the standbys moved away from it. A
/// standby's slot is its `primary_slot_name`; a name that several known instances give is not
/// clearly the moved standby's (a backup tool's, or shared by mistake), so it stays.
enum SlotCleanup {
    struct Slot: Sendable, Equatable {
        var key: InstanceKey
        var name: String
        /// Other instances that name the same slot (the reason it is kept).
        var sharing: [InstanceKey] = []
    }

    struct Plan: Sendable, Equatable {
        var drop: [Slot] = []
        var kept: [Slot] = []
    }

    static func plan(moved: [InstanceKey], in records: [InstanceKey: InstanceRecord]) -> Plan {
        var plan = Plan()
        for key in moved {
            guard let name = records[key]?.probe?.settings.primarySlotName, !name.isEmpty else { continue }
            let sharing = records.filter { $0.key != key && $0.value.probe?.settings.primarySlotName == name }.map(\.key).sorted()
            if sharing.isEmpty {
                plan.drop.append(Slot(key: key, name: name))
            } else {
                plan.kept.append(Slot(key: key, name: name, sharing: sharing))
            }
        }
        return plan
    }
}

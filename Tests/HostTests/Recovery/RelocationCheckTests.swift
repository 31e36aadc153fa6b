import HookAPI
@testable import Host
import Testing

@Suite("Relocation checks and the switchover's choice of standby")
struct RelocationCheckTests {
    static let p = InstanceKey(host: "p", port: 5432)
    static let a = InstanceKey(host: "a", port: 5432)
    static let b = InstanceKey(host: "b", port: 5432)
    static let c = InstanceKey(host: "c", port: 5432)
    static let x = InstanceKey(host: "x", port: 5432)

    /// p ← a ← c, p ← b; x is a primary of another cluster.
    static let nodes: [InstanceKey: RelocationCheck.Node] = [
        p: .init(upstream: nil, systemIdentifier: "1", reachable: true, isPrimary: true),
        a: .init(upstream: p, systemIdentifier: "1", reachable: true, isPrimary: false),
        b: .init(upstream: p, systemIdentifier: "1", reachable: true, isPrimary: false),
        c: .init(upstream: a, systemIdentifier: "1", reachable: true, isPrimary: false),
        x: .init(upstream: nil, systemIdentifier: "2", reachable: true, isPrimary: true),
    ]

    @Test("allowed: below a sibling, below the primary, below a cousin, where it already is",
          arguments: [(b, a), (c, p), (c, b), (a, b), (a, p)])
    func allowed(_ move: (InstanceKey, InstanceKey)) {
        #expect(RelocationCheck.refusal(moving: move.0, below: move.1, in: Self.nodes) == nil)
    }

    @Test("refused with the reason", arguments: [
        (a, c, "loop"), (a, a, "itself"), (p, a, "primary"), (b, x, "same cluster"),
        (InstanceKey(host: "nobody", port: 1), a, "not known"), (a, InstanceKey(host: "nobody", port: 1), "not known"),
    ])
    func refused(_ move: (InstanceKey, InstanceKey, String)) {
        let refusal = RelocationCheck.refusal(moving: move.0, below: move.1, in: Self.nodes)
        #expect(refusal?.contains(move.2) == true, "\(refusal ?? "allowed")")
    }

    @Test("an unreachable target is refused; a cycle already in the data does not hang the walk")
    func unreachableAndCycle() {
        var nodes = Self.nodes
        nodes[Self.b]?.reachable = false
        #expect(RelocationCheck.refusal(moving: Self.c, below: Self.b, in: nodes)?.contains("not reachable") == true)
        nodes = Self.nodes
        nodes[Self.a]?.upstream = Self.c
        #expect(RelocationCheck.refusal(moving: Self.b, below: Self.c, in: nodes) == nil)
    }

    static func standby(_ key: InstanceKey, lsn: UInt64, rule: PromotionRule = .neutral, downtimed: Bool = false) -> CandidatePicker.Standby {
        CandidatePicker.Standby(key: key, downtimed: downtimed, receivedLSN: LSN(lsn), replayLSN: LSN(lsn), rule: rule)
    }

    @Test("switchover: a designated standby must be direct and promotable; several without one need auto")
    func designated() throws {
        let standbys = [Self.standby(Self.a, lsn: 10), Self.standby(Self.b, lsn: 20, rule: .mustNot)]
        func choose(_ requested: InstanceKey?, auto: Bool = false, _ list: [CandidatePicker.Standby] = standbys) -> Result<InstanceKey, RecoveryError> {
            RecoveryCoordinator.chooseDesignated(requested, standbys: list, primary: Self.p, auto: auto, ignoring: PatternList())
        }
        #expect(try choose(Self.a).get() == Self.a)
        #expect(throws: RecoveryError.self) { try choose(Self.b).get() }
        #expect(throws: RecoveryError.self) { try choose(Self.c).get() }
        #expect(throws: RecoveryError.self) { try choose(nil).get() }
        #expect(try choose(nil, auto: true).get() == Self.a, "auto never picks must_not")
        #expect(try choose(nil, [Self.standby(Self.b, lsn: 5)]).get() == Self.b, "the only standby needs no designation")
        #expect(throws: RecoveryError.self) { try choose(nil, auto: true, [Self.standby(Self.a, lsn: 1, downtimed: true)]).get() }
        #expect(throws: RecoveryError.self) { try choose(nil, auto: true, []).get() }
    }
}

import Foundation
import HookAPI
@testable import Host
import Testing

/// A small topology described row by row, turned into the snapshot the analyzer reads.
struct AnalyzerScenario {
    struct Node {
        var name: String
        var primary = false
        var upstream: String?
        var valid = true
        var wal = "streaming"
        var paused = false
        var lag: Double = 0
        var system = "7000"
        var readOnly = false
        /// `InstanceRecord.lastUpstream`: where it was last attached.
        var lastUpstream: String?
        var quarantined = false
    }

    var nodes: [Node]

    static func key(_ name: String) -> InstanceKey { InstanceKey(host: name, port: 5432) }

    var snapshot: TopologySnapshot {
        var records: [InstanceKey: InstanceRecord] = [:]
        for node in nodes {
            let key = Self.key(node.name)
            var probe = Fixture.probe(primary: node.primary, system: node.system, fingerprint: node.name,
                                      upstream: node.upstream.map(Self.key))
            if !node.primary {
                probe.walReceiver = node.wal.isEmpty ? nil : .init(status: node.wal, senderHost: node.upstream, senderPort: 5432,
                                                                    slotName: nil, receivedTimeline: 1)
                probe.replayPaused = node.paused
                probe.lagSeconds = node.lag
            }
            probe.settings.defaultTransactionReadOnly = node.readOnly
            var record = InstanceRecord(key: key, firstSeen: Date())
            record.probe = probe
            record.lastCheckValid = node.valid
            record.lastUpstream = node.lastUpstream.map(Self.key)
            if node.quarantined { record.quarantine = .init(reason: "system identifier changed", since: Date(), clusterName: "p:5432") }
            records[key] = record
        }
        return TopologySnapshot(records: records, graph: TopologyGraph(records: records, aliases: [:], defaultPort: 5432), aliases: [:])
    }

    func analyze(downtimed: [String] = []) -> [String] {
        let downtimes = Dictionary(uniqueKeysWithValues: downtimed.map { (Self.key($0), Date().addingTimeInterval(60)) })
        return Analyzer.analyze(snapshot, .init(downtimes: downtimes, reasonableReplicationLagSeconds: 10))
            .map { "\($0.code.rawValue) \($0.instance.host)" }
    }
}

@Suite("Analyzer: every code from a topology snapshot")
struct AnalyzerTests {
    typealias N = AnalyzerScenario.Node

    static let cases: [(String, [N], [String])] = [
        ("healthy", [N(name: "p", primary: true), N(name: "s1", upstream: "p"), N(name: "s2", upstream: "p")], []),
        ("primary gone, standbys lost it", [N(name: "p", primary: true, valid: false), N(name: "s1", upstream: "p", wal: ""),
                                            N(name: "s2", upstream: "p", wal: "waiting")], ["DeadPrimary p"]),
        ("primary unreachable but one standby streams: holistic rule",
         [N(name: "p", primary: true, valid: false), N(name: "s1", upstream: "p"), N(name: "s2", upstream: "p", wal: "")],
         ["UnreachablePrimary p"]),
        ("a paused standby that still streams proves the primary alive",
         [N(name: "p", primary: true, valid: false), N(name: "s1", upstream: "p", paused: true), N(name: "s2", upstream: "p", wal: "")],
         ["UnreachablePrimary p"]),
        ("primary and one standby gone", [N(name: "p", primary: true, valid: false), N(name: "s1", upstream: "p", valid: false),
                                          N(name: "s2", upstream: "p", wal: "")], ["DeadPrimaryAndSomeStandbys p"]),
        ("everything unreachable: maybe we are cut off", [N(name: "p", primary: true, valid: false),
                                                          N(name: "s1", upstream: "p", valid: false)], ["DeadPrimaryAndStandbys p"]),
        ("primary without standbys", [N(name: "p", primary: true, valid: false)], ["DeadPrimaryWithoutStandbys p"]),
        ("no standby replicating", [N(name: "p", primary: true), N(name: "s1", upstream: "p", wal: ""),
                                    N(name: "s2", upstream: "p", paused: true)], ["AllStandbysNotReplicating p", "StandbyNotStreaming s1"]),
        ("a standby whose primary_conninfo names a wrong port stays in its cluster and is reported on both sides",
         [N(name: "p", primary: true), N(name: "s1", upstream: "p"), N(name: "s2", upstream: "nowhere", wal: "", lastUpstream: "p")],
         ["StandbyNotReplicating p", "StandbyUpstreamUnknown s2"]),
        ("the only standby lost its upstream",
         [N(name: "p", primary: true), N(name: "s1", upstream: "nowhere", wal: "", lastUpstream: "p")],
         ["AllStandbysNotReplicating p", "StandbyUpstreamUnknown s1"]),
        ("a standby with an empty primary_conninfo stays in its cluster",
         [N(name: "p", primary: true), N(name: "s1", upstream: nil, wal: "", lastUpstream: "p"), N(name: "s2", upstream: "p")],
         ["StandbyNotReplicating p", "StandbyUpstreamUnknown s1"]),
        ("a standby of another history naming the primary is not its standby",
         [N(name: "p", primary: true), N(name: "s1", upstream: "p", system: "8000")], []),
        ("a quarantined instance is reported, and is no second writer",
         [N(name: "a", primary: true), N(name: "b", primary: true, quarantined: true)], ["InstanceQuarantined b"]),
        ("one standby not replicating", [N(name: "p", primary: true), N(name: "s1", upstream: "p", valid: false),
                                         N(name: "s2", upstream: "p")], ["StandbyNotReplicating p"]),
        ("lagging standby", [N(name: "p", primary: true), N(name: "s1", upstream: "p", lag: 30)], ["StandbyLagging s1"]),
        ("cascading standby dead, its child lost it",
         [N(name: "p", primary: true), N(name: "s1", upstream: "p", valid: false), N(name: "c1", upstream: "s1", wal: "")],
         ["AllStandbysNotReplicating p", "DeadIntermediatePrimary s1"]),
        ("cascading standby unreachable but its child streams",
         [N(name: "p", primary: true), N(name: "s1", upstream: "p", valid: false), N(name: "c1", upstream: "s1")],
         ["AllStandbysNotReplicating p"]),
        ("two writable primaries, one system identifier", [N(name: "a", primary: true), N(name: "b", primary: true)],
         ["SplitBrain a", "SplitBrain b"]),
        ("two writable primaries of different clusters", [N(name: "a", primary: true), N(name: "b", primary: true, system: "8000")], []),
        ("a fenced read-only ex-primary is not a second writer",
         [N(name: "a", primary: true), N(name: "b", primary: true, readOnly: true)], []),
    ]

    @Test("codes", arguments: cases)
    func codes(_ name: String, _ nodes: [N], _ expected: [String]) {
        #expect(AnalyzerScenario(nodes: nodes).analyze() == expected, "\(name)")
    }

    @Test("only dead primaries and dead cascading standbys are actionable")
    func actionable() {
        #expect(AnalysisCode.allCases.filter(\.isActionable) == [.deadPrimary, .deadPrimaryAndSomeStandbys, .deadIntermediatePrimary])
    }

    @Test("counts and downtime are reported on the entry")
    func evidence() throws {
        let scenario = AnalyzerScenario(nodes: [N(name: "p", primary: true, valid: false), N(name: "s1", upstream: "p", wal: ""),
                                                N(name: "s2", upstream: "p", valid: false)])
        let downtimes = [AnalyzerScenario.key("p"): Date().addingTimeInterval(60)]
        let entry = try #require(Analyzer.analyze(scenario.snapshot, .init(downtimes: downtimes)).first)
        #expect(entry.code == .deadPrimaryAndSomeStandbys)
        #expect(entry.replicas.count == 2 && entry.countValidReplicas == 1 && entry.countStreamingReplicas == 0)
        #expect(entry.isDowntimed && entry.isPrimary && !entry.lastCheckValid)
        #expect(entry.systemIdentifier == "7000")
    }
}

@Suite("CandidatePicker: who is promoted")
struct CandidatePickerTests {
    typealias S = CandidatePicker.Standby
    static func s(_ name: String, received: UInt64?, replay: UInt64? = 0, sync: Bool = false, rule: PromotionRule = .neutral,
                  reachable: Bool = true, downtimed: Bool = false) -> S {
        S(key: AnalyzerScenario.key(name), reachable: reachable, downtimed: downtimed, receivedLSN: received.map(LSN.init),
          replayLSN: replay.map(LSN.init), synchronous: sync, rule: rule)
    }

    static let cases: [(String, [S], String?)] = [
        ("most received WAL wins over a preference", [s("a", received: 100, rule: .prefer), s("b", received: 200, rule: .preferNot)], "b"),
        ("tie on WAL: the synchronous standby", [s("a", received: 200), s("b", received: 200, sync: true)], "b"),
        ("tie on WAL and sync: most replayed", [s("a", received: 200, replay: 150), s("b", received: 200, replay: 190)], "b"),
        ("tie on positions: prefer beats neutral", [s("a", received: 200), s("b", received: 200, rule: .prefer)], "b"),
        ("tie on positions: neutral beats prefer_not", [s("a", received: 200, rule: .preferNot), s("b", received: 200)], "b"),
        ("full tie: by name", [s("b", received: 200), s("a", received: 200)], "a"),
        ("must_not is never promoted", [s("a", received: 900, rule: .mustNot), s("b", received: 100)], "b"),
        ("a downtimed standby is never promoted", [s("a", received: 900, downtimed: true), s("b", received: 100)], "b"),
        ("an unreachable standby is never promoted", [s("a", received: 900, reachable: false), s("b", received: 100)], "b"),
        ("a standby restored from archive (no receiver) counts its replay", [s("a", received: nil, replay: 300), s("b", received: 200)], "a"),
        ("nobody eligible", [s("a", received: 1, rule: .mustNot), s("b", received: 1, reachable: false)], nil),
        ("ignored host", [s("ignored-1", received: 900), s("b", received: 1)], "b"),
    ]

    @Test("choice", arguments: cases)
    func choice(_ name: String, _ standbys: [S], _ expected: String?) {
        let choice = CandidatePicker.choose(from: standbys, ignoring: PatternList(["^ignored"]))
        switch choice {
        case .promote(let key): #expect(key.host == expected, "\(name)")
        case .none(let reasons):
            #expect(expected == nil, "\(name): \(reasons)")
            #expect(reasons.count == standbys.count)
        }
    }
}

import Foundation
import HookAPI
@testable import Host
import Testing

@Suite("Recovery gates")
struct RecoveryGatesTests {
    static func facts(code: AnalysisCode = .deadPrimary, alias: String = "", disabled: Bool = false, downtimed: Bool = false,
                      active: String? = nil, recent: Bool = false, otherPrimary: Bool = false) -> RecoveryGates.Facts {
        var entry = AnalysisEntry(
            code: code, instance: InstanceKey(host: "db1", port: 5432), upstream: nil, clusterName: "db1:5432", description: "",
            isPrimary: code != .deadIntermediatePrimary, isReadOnly: false, lastCheckValid: false, replicas: [], countValidReplicas: 1,
            countStreamingReplicas: 0, countValidReplicatingReplicas: 0, countLaggingReplicas: 0, countDowntimedReplicas: 0,
            isDowntimed: downtimed, downtimeEnd: nil, systemIdentifier: "7000", lastLSN: nil)
        entry.isDowntimed = downtimed
        let earlier = recent ? RecoveryRecord(uid: "r1", analysis: entry, clusterAlias: "", command: "", startedAt: Date(),
                                              processingNodeHostname: "h", processingNodeToken: "t") : nil
        return .init(entry: entry, clusterAlias: alias, recoveriesDisabled: disabled, activeRecovery: active,
                     recentUnacknowledged: earlier, otherPrimary: otherPrimary ? InstanceKey(host: "db2", port: 5432) : nil)
    }

    static func configuration(_ filters: [String] = [".*"]) -> Configuration.Recovery {
        var recovery = Configuration.Recovery()
        recovery.recoverPrimaryClusterFilters = ClusterFilters(filters)
        recovery.recoveryIgnoreHostnameFilters = PatternList(["^ignored"])
        return recovery
    }

    @Test("each gate, in order", arguments: [
        ("all clear", facts(), [".*"], "proceed"),
        ("not actionable", facts(code: .unreachablePrimary), [".*"], "skip"),
        ("no filter matches", facts(), ["^other$"], "skip"),
        ("the alias (e.g. from a cluster-name plugin) matches exactly", facts(alias: "payments"), ["payments"], "proceed"),
        ("alias=", facts(alias: "payments"), ["alias=payments"], "proceed"),
        ("alias~=", facts(alias: "payments"), ["alias~=^pay"], "proceed"),
        ("*", facts(), ["*"], "proceed"),
        ("a regex is not matched against the alias", facts(alias: "payments"), ["^payments$"], "skip"),
        ("empty filters: opt-in", facts(), [], "skip"),
        ("global switch off", facts(disabled: true), [".*"], "skip"),
        ("downtimed", facts(downtimed: true), [".*"], "skip"),
        ("one at a time", facts(active: "r0"), [".*"], "skip"),
        ("never a second primary", facts(otherPrimary: true), [".*"], "skip"),
        ("block period", facts(recent: true), [".*"], "blocked"),
    ])
    func automated(_ name: String, _ facts: RecoveryGates.Facts, _ filters: [String], _ expected: String) {
        let verdict = RecoveryGates.automated(facts, Self.configuration(filters))
        let kind = switch verdict {
        case .proceed: "proceed"
        case .skip: "skip"
        case .blocked: "blocked"
        }
        #expect(kind == expected, "\(name): \(verdict)")
    }

    @Test("a manual recover skips filters, switch, downtime and block period, never one-at-a-time or the second primary")
    func manual() {
        #expect(RecoveryGates.manual(Self.facts(disabled: true, downtimed: true, recent: true)) == .proceed)
        #expect(RecoveryGates.manual(Self.facts(active: "r0")) != .proceed)
        #expect(RecoveryGates.manual(Self.facts(otherPrimary: true)) != .proceed)
        #expect(RecoveryGates.manual(Self.facts(code: .unreachablePrimary)) != .proceed)
    }
}

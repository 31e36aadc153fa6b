import Foundation
import HookAPI
@testable import Host
import Testing

/// The commands every node of a Raft group applies: the same sequence leaves every backend
/// answering the same reads, and every command survives the trip through the log (JSON).
@Suite("Replicated commands")
struct ReplicatedApplierTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ host: String) -> AnalysisEntry {
        AnalysisEntry(
            code: .deadPrimary, instance: InstanceKey(host: host, port: 5432), upstream: nil, clusterName: "\(host):5432", description: "",
            isPrimary: true, isReadOnly: false, lastCheckValid: false, replicas: [], countValidReplicas: 0, countStreamingReplicas: 0,
            countValidReplicatingReplicas: 0, countLaggingReplicas: 0, countDowntimedReplicas: 0, isDowntimed: false, downtimeEnd: nil,
            systemIdentifier: "7000", lastLSN: nil)
    }

    static func record(_ uid: String, _ host: String) -> RecoveryRecord {
        RecoveryRecord(uid: uid, analysis: entry(host), clusterAlias: "", command: "", startedAt: at,
                       processingNodeHostname: "orc1", processingNodeToken: "t")
    }

    static var commands: [ReplicatedCommand] {
        var ended = record("r1", "db1")
        ended.status = .successful
        ended.endedAt = at.addingTimeInterval(1)
        let db2 = InstanceKey(host: "db2", port: 5432)
        return [
            .beginDowntime(Downtime(key: db2, owner: "ops", reason: "kernel", beganAt: at, endsAt: at.addingTimeInterval(3600))),
            .registerCandidate(CandidateRegistration(key: db2, rule: .prefer, registeredAt: at)),
            .setRecoveriesDisabled(true),
            .registerRecovery(record("r1", "db1")),
            // A second recovery of the same cluster while one is active: refused on every node.
            .registerRecovery(record("r2", "db1")),
            .addRecoveryStep(uid: "r1", message: "promoting db2:5432", at: at),
            .updateRecovery(ended),
            .acknowledgeRecoveries(.uid("r1"), by: "alice", comment: "checked", at: at.addingTimeInterval(2)),
            .endDowntime(db2, at: at.addingTimeInterval(60)),
            .setRecoveriesDisabled(false),
            .purgeHistory(before: at.addingTimeInterval(-86400)),
        ]
    }

    static func backend() throws -> Backend {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicated-\(UUID().uuidString)")
        return try Backend.open(path: directory.appendingPathComponent("orchestrator.sqlite3").path)
    }

    @Test("every command survives the log")
    func roundTrip() throws {
        for command in Self.commands {
            let decoded = try JSONDecoder().decode(ReplicatedCommand.self, from: try JSONEncoder().encode(command))
            #expect(decoded == command, "\(command.summary)")
        }
    }

    @Test("two nodes applying the same log answer and read the same")
    func deterministic() async throws {
        let nodes = [try Self.backend(), try Self.backend()]
        var answers: [[ReplicatedAnswer]] = [[], []]
        for (index, node) in nodes.enumerated() {
            let applier = ReplicatedApplier(backend: node)
            for command in Self.commands { answers[index].append(try await applier.apply(command)) }
        }
        #expect(answers[0] == answers[1])
        guard case .registered(let refused) = answers[0][4] else { Issue.record("no answer to the second registration"); return }
        #expect(refused == nil)
        guard case .ended(let ended) = answers[0][8] else { Issue.record("no answer to end-downtime"); return }
        #expect(ended)

        for node in nodes {
            let recoveries = try await node.recoveries(.all, limit: 10, offset: 0)
            #expect(recoveries.map(\.uid) == ["r1"])
            #expect(recoveries.first?.acknowledgedBy == "alice" && recoveries.first?.status == .successful)
            #expect(try await node.recoverySteps("r1").map(\.message) == ["promoting db2:5432"])
            #expect(try await node.recoveriesDisabled() == false)
            #expect(try await node.activeDowntimes(at: Self.at.addingTimeInterval(30)).isEmpty)
            #expect(try await node.candidateRegistrations(since: Self.at.addingTimeInterval(-1)).map(\.rule) == [.prefer])
        }
    }
}

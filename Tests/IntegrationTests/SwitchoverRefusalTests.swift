import Foundation
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

@Suite("Graceful switchover refusals and undo (real servers, loopback)")
struct SwitchoverRefusalTests {
    /// `psql` on `server`'s Unix socket as the servers' OS user (local connections are trusted).
    static func psql(_ server: PGServer, _ sql: String) -> String {
        let runAs = geteuid() == 0 ? "runuser -u \(PGInstallation.osUser) -- " : ""
        return "\(runAs)\(server.installation.binDirectory)/psql -X -q -h \(server.socketDirectory) -p \(server.port) -U \(TestCredentials.user) -d postgres -c \"\(sql)\""
    }

    @Test("refusals leave the topology as it was: unknown cluster, not a direct standby, must_not, lagging standby, PreGracefulTakeoverProcesses exit 1, catch-up that cannot finish (undone); without a demote step the old primary is fenced")
    func refusals() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, cascadingFrom: [0])) { topology in
            let primary = topology.primary, designated = topology.standbys[0], other = topology.standbys[1], cascaded = topology.cascaded[0]
            let preHook = RecoveryFixture.scratchPath("pre.sh")
            defer { unlink(preHook) }
            try "exit 0\n".write(toFile: preHook, atomically: true, encoding: .utf8)
            let config = try RecoveryFixture.configuration(topology, extra: [
                "PreGracefulTakeoverProcesses": ["bash \(preHook)"],
                "ReasonableMaintenanceReplicationLagSeconds": 2,
            ])
            let unchanged: @Sendable () async throws -> Void = { try await SwitchoverFixture.expectUnchanged(primary, [(designated, primary), (other, primary), (cascaded, designated)]) }
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let cluster = try await SwitchoverFixture.cluster(of: primary, service)

                func refused(_ designated: InstanceKey?, cluster: String = cluster, _ expected: String) async throws {
                    let result = await coordinator.gracefulTakeover(cluster: cluster, designated: designated, auto: false)
                    guard case .failure(let error) = result else {
                        Issue.record("switchover to \(designated.map(\.description) ?? "-") was not refused: \(result)")
                        return
                    }
                    #expect(error.message.contains(expected), "\(error.message)")
                    try await unchanged()
                }
                try await refused(designated.key, cluster: "no-such-cluster", "unknown cluster")
                try await refused(cascaded.key, "is not a direct standby")
                try await refused(primary.key, "is not a direct standby")
                try await refused(nil, "none was designated")
                try await backend.registerCandidate(CandidateRegistration(key: other.key, rule: .mustNot, registeredAt: Date()))
                try await refused(other.key, "must_not")

                // Lagging: replay paused on the designated standby while writes go on.
                let load = WriteLoad(targets: [primary])
                try await load.start()
                try await designated.query("SELECT pg_wal_replay_pause()")
                try await load.waitForAcknowledged(100)
                try await Task.sleep(for: .seconds(3))
                try await refused(designated.key, "lags")
                try await designated.query("SELECT pg_wal_replay_resume()")
                try await SwitchoverFixture.waitUntilReplayed(designated)
                #expect(try await backend.recoveries().isEmpty, "a refusal registers nothing")

                // PreGracefulTakeoverProcesses exits 1: recorded as aborted, nothing changed.
                try "echo refusing switchover of $ORC_FAILED_HOST:$ORC_FAILED_PORT; exit 1\n".write(toFile: preHook, atomically: true, encoding: .utf8)
                let vetoed = try await coordinator.gracefulTakeover(cluster: cluster, designated: designated.key, auto: false).get()
                #expect(vetoed.status == .aborted && vetoed.successor == nil)
                #expect(vetoed.errors.contains { $0.contains("PreGracefulTakeoverProcesses") })
                try await unchanged()

                // The standby stops replaying after the checks (the hook pauses it, then writes):
                // the catch-up cannot finish, the fence is undone, writes go on on the primary.
                try """
                    \(Self.psql(designated, "SELECT pg_wal_replay_pause()"))
                    \(Self.psql(primary, "CREATE TABLE IF NOT EXISTS undo_probe (i int); INSERT INTO undo_probe VALUES (1)"))
                    """.write(toFile: preHook, atomically: true, encoding: .utf8)
                let undone = try await coordinator.gracefulTakeover(cluster: cluster, designated: designated.key, auto: false).get()
                let steps = try await backend.recoverySteps(undone.uid).map(\.message)
                #expect(undone.status == .aborted && undone.successor == nil, "\(steps)")
                #expect(steps.contains { $0.contains("undone") }, "\(steps)")
                let before = await load.acknowledged.count
                try await load.waitForAcknowledged(before + 50)
                try await designated.query("SELECT pg_wal_replay_resume()")
                try await SwitchoverFixture.waitUntilReplayed(designated)
                try await unchanged()
                let acks = await load.stop()
                #expect(try await WriteLoad.missing(acks, on: primary).isEmpty)
                #expect(try await backend.activeDowntimes().isEmpty)

                // Without a demote step: switched over, the old primary left read-only and fenced.
                try "exit 0\n".write(toFile: preHook, atomically: true, encoding: .utf8)
                let done = try await coordinator.gracefulTakeover(cluster: cluster, designated: designated.key, auto: false).get()
                let doneSteps = try await backend.recoverySteps(done.uid).map(\.message)
                #expect(done.status == .successful && done.successor == designated.key, "\(doneSteps)")
                #expect(done.errors.contains { $0.contains("no demote step is configured") }, "\(done.errors)")
                #expect(done.lostReplicas.isEmpty, "\(doneSteps)")
                #expect(!done.acknowledged)
                #expect(try await !RecoveryFixture.isInRecovery(designated))
                #expect(try await !RecoveryFixture.isInRecovery(primary))
                let readOnly = try await primary.query("SELECT current_setting('default_transaction_read_only') AS v").singleRow().decode("v", as: String.self)
                #expect(readOnly == "on")
                #expect(try await backend.activeDowntimes().contains { $0.key == primary.key })
                try await RecoveryFixture.waitUntilStreaming(other, from: designated)
                try await RecoveryFixture.waitUntilStreaming(cascaded, from: designated)
                // Nothing fails the fenced primary over, nor calls it a second writable primary.
                try await Task.sleep(for: .seconds(2))
                #expect(try await backend.recoveries().count == 3)
                #expect(await !coordinator.analysis.contains { $0.code == .splitBrain })
            }
        }
    }
}

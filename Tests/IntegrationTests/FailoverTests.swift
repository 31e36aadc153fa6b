import Foundation
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

@Suite("Automated failover (real servers, loopback)")
struct FailoverTests {
    @Test("SIGKILL of the primary under synchronous replication: promotion, re-pointing, hook once, no acknowledged commit lost")
    func killPrimarySynchronous() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, synchronous: true)) { topology in
            let hookLog = RecoveryFixture.scratchPath("hook.log")
            defer { unlink(hookLog) }
            let config = try RecoveryFixture.configuration(topology, extra: [
                "PostMasterFailoverProcesses": [
                    "echo \"$ORC_FAILURE_TYPE|$ORC_FAILED_HOST|$ORC_FAILED_PORT|$ORC_SUCCESSOR_HOST|$ORC_SUCCESSOR_PORT|$ORC_IS_SUCCESSFUL|{failureCluster}|$ORC_FAILED_LSN|$ORC_SUCCESSOR_LSN|$ORC_CLUSTER_SYSTEM_ID|$ORC_RECOVERY_UID|{successorHost}\" >> \(hookLog)",
                ],
            ])
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let load = WriteLoad(targets: topology.servers)
                try await load.start()
                try await load.waitForAcknowledged(200)
                await topology.primary.killPostmaster()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(record.status == .successful, "\(record.errors)")
                #expect(record.analysis.code == .deadPrimary)
                #expect(record.failed == topology.primary.key)
                let successorKey = try #require(record.successor)
                let successor = try #require(topology.standbys.first { $0.key == successorKey })
                let other = try #require(topology.standbys.first { $0.key != successorKey })
                #expect(try await !RecoveryFixture.isInRecovery(successor))
                try await RecoveryFixture.waitUntilStreaming(other, from: successor)
                #expect(record.lostReplicas.isEmpty)
                // Writes resume on the new primary.
                let before = await load.acknowledged.count
                try await load.waitForAcknowledged(before + 50)
                let acks = await load.stop()
                #expect(try await WriteLoad.missing(acks, on: successor).isEmpty)

                let lines = try String(contentsOfFile: hookLog, encoding: .utf8).split(separator: "\n")
                #expect(lines.count == 1, "PostMasterFailoverProcesses ran \(lines.count) times")
                let fields = lines.first.map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) } ?? []
                #expect(fields.count == 12)
                if fields.count == 12 {
                    #expect(fields[0] == "DeadPrimary")
                    #expect(fields[1] == topology.primary.host && fields[2] == String(topology.primary.port))
                    #expect(fields[3] == successor.host && fields[4] == String(successor.port))
                    #expect(fields[5] == "true")
                    #expect(fields[6] == topology.primary.key.description)
                    #expect(LSN(fields[7]) != nil && LSN(fields[8]) != nil)
                    #expect(!fields[9].isEmpty)
                    #expect(fields[10] == record.uid)
                    #expect(fields[11] == successor.host)
                }
                let steps = try await backend.recoverySteps(record.uid)
                #expect(steps.contains { $0.message.contains("PostMasterFailoverProcesses[0]: completed") })
                // The old primary is downtimed as lost.
                #expect(try await backend.activeDowntimes().contains { $0.key == topology.primary.key })
            }
        }
    }
}

extension FailoverTests {
    @Test("asynchronous replication: the standby holding the most WAL is promoted, the other follows it")
    func mostAdvancedWins() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let load = WriteLoad(targets: topology.servers)
                try await load.start()
                try await load.waitForAcknowledged(50)
                // The second standby's WAL receiver is stopped (SIGSTOP) while the primary writes
                // far more WAL than socket buffers hold (~75 MB), then let go once the primary is
                // dead: it reads what was buffered, finds the connection gone, and holds less WAL.
                let behind = topology.standbys[1], ahead = topology.standbys[0]
                let receiver = try await behind.query("SELECT pid FROM pg_stat_wal_receiver").singleRow().decode("pid", as: Int.self)
                kill(Int32(receiver), SIGSTOP)
                let before = await load.acknowledged.count
                try await topology.primary.query("CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 300000) g",
                                                 timeout: .seconds(60))
                try await load.waitForAcknowledged(before + 100)
                let written = try await topology.primary.query("SELECT pg_current_wal_lsn()::text AS l").singleRow().decode("l", as: LSN.self)
                let received = ContinuousClock.now + .seconds(30)
                while (try await ahead.query("SELECT pg_last_wal_receive_lsn()::text AS l").singleRow().decodeIfPresent("l", as: LSN.self) ?? LSN(0)) < written,
                      ContinuousClock.now < received {
                    try await Task.sleep(for: .milliseconds(20))
                }
                await topology.primary.killPostmaster()
                kill(Int32(receiver), SIGCONT)
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(record.status == .successful, "\(record.errors)")
                #expect(record.successor == ahead.key)
                let steps = try await backend.recoverySteps(record.uid).map(\.message)
                #expect(record.lostReplicas.isEmpty, "\(steps)")
                try await RecoveryFixture.waitUntilStreaming(behind, from: ahead)
                let acks = await load.stop()
                // Asynchronous: commits the dead primary acknowledged but never sent are lost;
                // the re-pointed standby ends up with exactly what the new primary has.
                let lostOnNewPrimary = try await WriteLoad.missing(acks, on: ahead)
                let deadline = ContinuousClock.now + .seconds(10)
                while try await WriteLoad.missing(acks, on: behind) != lostOnNewPrimary, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await WriteLoad.missing(acks, on: behind) == lostOnNewPrimary)
            }
        }
    }

    @Test("PreFailoverProcesses exiting 1 aborts: no promotion, recovery recorded as aborted, the unsuccessful hook does not run")
    func preFailoverVeto() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let marker = RecoveryFixture.scratchPath("unsuccessful")
            defer { unlink(marker) }
            let config = try RecoveryFixture.configuration(topology, extra: [
                "PreFailoverProcesses": ["echo vetoing {failedHost} for candidate $ORC_CANDIDATE_HOST; exit 1"],
                "PostUnsuccessfulFailoverProcesses": ["touch \(marker)"],
                "RecoveryPeriodBlockSeconds": 3600,
            ])
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                await topology.primary.killPostmaster()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(record.status == .aborted)
                #expect(record.successor == nil)
                #expect(record.errors.contains { $0.contains("PreFailoverProcesses") })
                let steps = try await backend.recoverySteps(record.uid)
                #expect(steps.contains { $0.message.contains("vetoing \(topology.primary.host) for candidate 127.0.0.1") })
                try await Task.sleep(for: .seconds(2))
                for standby in topology.standbys { #expect(try await RecoveryFixture.isInRecovery(standby)) }
                #expect(try await backend.recoveries().count == 1, "the block period holds the next attempt")
                #expect(!FileManager.default.fileExists(atPath: marker))
            }
        }
    }

    @Test("two triggers at once (five concurrent manual recovers): exactly one promotion")
    func concurrentTriggers() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            // No automated recovery: only the manual requests race.
            let config = try RecoveryFixture.configuration(topology, extra: ["RecoverMasterClusterFilters": [String]()])
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                await topology.primary.killPostmaster()
                let deadline = ContinuousClock.now + .seconds(20)
                while await !coordinator.analysis.contains(where: { $0.code == .deadPrimary }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let primary = topology.primary.key
                let results = await withTaskGroup(of: Result<RecoveryRecord, RecoveryError>.self) { group in
                    for _ in 0..<5 { group.addTask { await coordinator.recover(primary, candidate: nil) } }
                    var all: [Result<RecoveryRecord, RecoveryError>] = []
                    for await result in group { all.append(result) }
                    return all
                }
                let successes = results.compactMap { try? $0.get() }.filter(\.isSuccessful)
                #expect(successes.count == 1, "\(results)")
                #expect(try await backend.recoveries().count == 1)
                var primaries = 0
                for standby in topology.standbys where try await !RecoveryFixture.isInRecovery(standby) { primaries += 1 }
                #expect(primaries == 1)
            }
        }
    }

    @Test("anti-flapping: a second failure within the block period waits for an acknowledgement")
    func antiFlapping() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try RecoveryFixture.configuration(topology, extra: ["RecoveryPeriodBlockSeconds": 3600])
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                await topology.primary.killPostmaster()
                let first = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(first.isSuccessful)
                let newPrimary = try #require(topology.standbys.first { $0.key == first.successor })
                let last = try #require(topology.standbys.first { $0.key != first.successor })
                try await RecoveryFixture.waitUntilStreaming(last, from: newPrimary)
                try await DiscoveryFixture.waitUntil(service, "the new primary's cluster settled") { s in
                    s.records[last.key]?.probe?.isReplicating == true && s.graph.nodes[last.key]?.upstream == newPrimary.key
                }
                await newPrimary.killPostmaster()
                let blockDeadline = ContinuousClock.now + .seconds(20)
                while await coordinator.blockedRecoveries.isEmpty, ContinuousClock.now < blockDeadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let blocked = await coordinator.blockedRecoveries
                #expect(blocked.map(\.entry.instance) == [newPrimary.key])
                #expect(blocked.first?.blockingRecoveryUID == first.uid)
                #expect(try await RecoveryFixture.isInRecovery(last))
                #expect(try await backend.recoveries().count == 1)

                #expect(try await backend.acknowledgeRecoveries(.uid(first.uid), by: "test", comment: "checked").count == 1)
                let deadline = ContinuousClock.now + .seconds(30)
                func settled() async throws -> Bool {
                    let all = try await backend.recoveries()
                    return all.count >= 2 && all.first?.isActive == false
                }
                while try await !settled() {
                    guard ContinuousClock.now < deadline else { Issue.record("no second recovery after the acknowledgement"); return }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let second = try #require(try await backend.recoveries().first)
                #expect(second.isSuccessful && second.successor == last.key, "\(second.errors)")
                #expect(try await !RecoveryFixture.isInRecovery(last))
            }
        }
    }

    @Test("a frozen primary: a freeze shorter than wal_receiver_timeout changes nothing; a longer one fails over; back, it is SplitBrain")
    func frozenPrimary() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, settings: ["wal_receiver_timeout": "'3s'"])) { topology in
            let detections = RecoveryFixture.scratchPath("detections")
            defer { unlink(detections) }
            let config = try RecoveryFixture.configuration(topology, extra: [
                "OnFailureDetectionProcesses": ["echo \"$ORC_FAILURE_TYPE {failedPort}\" >> \(detections)"],
            ])
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let load = WriteLoad(targets: [topology.primary])
                try await load.start()
                try await load.waitForAcknowledged(20)
                topology.primary.freeze()
                try await Task.sleep(for: .milliseconds(1500))
                topology.primary.thaw()
                try await Task.sleep(for: .seconds(4))
                #expect(try await backend.recoveries().isEmpty, "a short freeze is not a failure")
                let resumed = await load.acknowledged.count
                try await load.waitForAcknowledged(resumed + 10)
                await load.stop()

                topology.primary.freeze()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend, timeout: .seconds(30))
                #expect(record.isSuccessful, "\(record.errors)")
                #expect(record.failed == topology.primary.key)
                topology.primary.thaw()
                // The old primary runs on, writable: the analyzer says so loudly.
                let deadline = ContinuousClock.now + .seconds(20)
                while await !coordinator.analysis.contains(where: { $0.code == .splitBrain }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let splitBrain = await coordinator.analysis.filter { $0.code == .splitBrain }.map(\.instance)
                #expect(Set(splitBrain) == [topology.primary.key, try #require(record.successor)])
                // Loud: the detection hook ran for the recovery, then once for the split brain.
                let hookDeadline = ContinuousClock.now + .seconds(10)
                while (try? String(contentsOfFile: detections, encoding: .utf8))?.contains("SplitBrain") != true, ContinuousClock.now < hookDeadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let lines = try String(contentsOfFile: detections, encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(lines.first == "DeadPrimary \(topology.primary.port)")
                #expect(lines.filter { $0.hasPrefix("SplitBrain") }.count == 1, "\(lines)")
            }
        }
    }
}

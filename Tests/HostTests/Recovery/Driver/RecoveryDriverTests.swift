import Foundation
import HookAPI
@testable import Host
import Testing

/// The machines run through the driver against fakes: what reaches the servers, the record,
/// the hooks and the repository. Milliseconds, no servers, no sleeps.
@Suite("Recovery driver")
struct RecoveryDriverTests {
    static let standbys = [standbyAt("db2", 100), standbyAt("db3", 90)]

    static func failover(_ uid: String = "u1") -> PrimaryFailoverMachine {
        PrimaryFailoverMachine(uid: uid, failed: pg("db1"), detection: "DeadPrimary on db1:5432", requestedCandidate: nil, settings: .init())
    }

    @Test("a failover: promote, re-point, downtime with the clock's time, hooks told the candidate and successor")
    func failover() async throws {
        let bench = try await DriverBench(.init(standbys: Self.standbys, forkPoint: LSN(120)))
        var machine = Self.failover()
        await bench.driver.run(&machine)

        #expect(bench.instances.calls == ["survey db1", "promote db2", "repoint db3 to db2"])
        let record = await bench.stored
        #expect(record.status == .successful)
        #expect(record.successor == pg("db2") && record.successorLSN == LSN(120))
        #expect(record.lostReplicas.isEmpty)
        #expect(record.participating == [pg("db1"), pg("db2"), pg("db3")])
        #expect(record.endedAt == DriverBench.now)

        let downtimes = await bench.repository.downtimes
        #expect(downtimes == [Downtime(key: pg("db1"), owner: "orchestrator", reason: "lost in recovery u1", beganAt: DriverBench.now,
                                       endsAt: DriverBench.now.addingTimeInterval(24 * 3600))])

        let points = bench.dispatcher.dispatched
        #expect(points.map(\.point) == [.failureDetection, .preFailover, .postPrimaryFailover])
        let pre = points[1].event
        #expect(pre.candidate == InstanceAddress(host: "db2", port: 5432) && pre.candidateLSN == LSN(100) && pre.successor == nil)
        #expect(pre.isAutomated && pre.clusterAlias == "payments" && pre.orchestratorHost == "orc1")
        let post = points[2].event
        #expect(post.successor == InstanceAddress(host: "db2", port: 5432) && post.successorLSN == LSN(120) && post.isSuccessful)
        #expect(Set(bench.topology.reprobed).isSuperset(of: [pg("db2"), pg("db3")]))

        let steps = await bench.repository.steps.map(\.message)
        #expect(steps.contains("db3:5432 streams from db2:5432"))
        #expect(steps.contains("promoting db2:5432"))
        #expect(steps.last == "recovery ended: successful, successor db2:5432")
    }

    @Test("a lost standby: recorded with why, the others carry on")
    func lostStandby() async throws {
        let bench = try await DriverBench(.init(standbys: Self.standbys + [standbyAt("db4", 80)],
                                                failing: ["repoint db3 to db2": "it diverged"]))
        var machine = Self.failover()
        await bench.driver.run(&machine)
        let record = await bench.stored
        #expect(record.status == .successful)
        #expect(record.lostReplicas == [pg("db3")])
        #expect(record.errors.contains("db3:5432 lost: it diverged"))
        #expect(bench.instances.calls.contains("repoint db4 to db2"))
    }

    @Test("a veto: nothing reaches a server after the survey")
    func veto() async throws {
        let bench = try await DriverBench(.init(standbys: Self.standbys),
                                          answers: [.preFailover: DispatchOutcome(veto: "a preFailover plugin vetoed the recovery: no", handled: true)])
        var machine = Self.failover()
        await bench.driver.run(&machine)
        #expect(bench.instances.calls == ["survey db1"])
        #expect(await bench.stored.status == .aborted)
        #expect(await bench.repository.downtimes.isEmpty)
    }

    @Test("a switchover whose catch-up fails undoes the fence and changes nothing else")
    func switchoverUndo() async throws {
        let bench = try await DriverBench(.init(failing: ["catchUp db2": "db2 did not replay within 10 s"]))
        var machine = SwitchoverMachine(uid: "u1", old: pg("db1"), designated: pg("db2"), others: [pg("db3")], settings: .init())
        await bench.driver.run(&machine)
        #expect(bench.instances.calls == ["fence db1", "catchUp db2", "unfence db1"])
        let record = await bench.stored
        #expect(record.status == .aborted)
        #expect(record.errors == ["before promotion: db2 did not replay within 10 s"])
    }

    @Test("a clean switchover: demoted, slots of moved standbys dropped, acknowledged")
    func switchover() async throws {
        let records = [pg("db2"): Self.withSlot(pg("db2"), "db2_slot"), pg("db3"): Self.withSlot(pg("db3"), "db3_slot")]
        let bench = try await DriverBench(.init(), records: records, answers: [.demote: DispatchOutcome(handled: true)])
        var machine = SwitchoverMachine(uid: "u1", old: pg("db1"), designated: pg("db2"), others: [pg("db3")], settings: .init())
        await bench.driver.run(&machine)
        #expect(bench.instances.calls == ["fence db1", "catchUp db2", "repoint db3 to db2", "promote db2", "verify db3 from db2",
                                          "drop db2_slot on db1", "drop db3_slot on db1", "verify db1 from db2"])
        #expect(await bench.stored.status == .successful)
        #expect(await bench.repository.acknowledged == ["u1"])
        #expect(bench.dispatcher.dispatched.map(\.point) == [.preGracefulTakeover, .demote, .postGracefulTakeover])
    }

    @Test("crash-restart: a recovery found running is concluded interrupted at the clock's time")
    func interrupted() async throws {
        let bench = try await DriverBench(.init())
        var conclusion = InterruptedRecovery()
        await bench.driver.run(&conclusion)
        let record = await bench.stored
        #expect(record.status == .interrupted && record.endedAt == DriverBench.now)
        #expect(bench.instances.calls.isEmpty && bench.dispatcher.dispatched.isEmpty)
    }

    @Test("a node that loses leadership stops before its next action; the recovery stays running for the leader to conclude")
    func leadershipLost() async throws {
        let bench = try await DriverBench(.init(standbys: Self.standbys))
        var machine = Self.failover()
        // Detection hooks, survey and pre-failover hooks allowed; then the promotion is refused.
        await bench.driver(leadership: LeadershipLost(after: 3)).run(&machine)
        #expect(bench.instances.calls == ["survey db1"])
        let record = await bench.stored
        #expect(record.status == .running)
        let steps = await bench.repository.steps.map(\.message)
        #expect(steps.last == "error: stopped before promoting db2:5432: this node is no longer the Raft leader (term 7)")
    }

    static func withSlot(_ key: InstanceKey, _ slot: String) -> InstanceRecord {
        var record = InstanceRecord(key: key, firstSeen: DriverBench.now)
        var probe = Fixture.probe(primary: false, fingerprint: key.host, upstream: pg("db1"))
        probe.settings.primarySlotName = slot
        record.probe = probe
        return record
    }
}

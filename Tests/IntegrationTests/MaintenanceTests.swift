import Foundation
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

@Suite("Downtime, promotion rules and relocation (real servers, loopback)")
struct MaintenanceTests {
    @Test("a downtimed primary is not failed over; once the downtime expires, it is")
    func downtimeSuppressesFailover() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let endsAt = Date().addingTimeInterval(6)
                try await backend.beginDowntime(Downtime(key: topology.primary.key, owner: "test", reason: "maintenance",
                                                         beganAt: Date(), endsAt: endsAt))
                await coordinator.refresh()
                await topology.primary.killPostmaster()
                let deadline = ContinuousClock.now + .seconds(30)
                while await !coordinator.analysis.contains(where: { $0.instance == topology.primary.key && $0.code.isPrimaryFailure && $0.isDowntimed }),
                      Date() < endsAt, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                if Date() < endsAt {
                    #expect(try await backend.recoveries().isEmpty, "a downtimed primary was failed over")
                }
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(record.status == .successful, "\(record.errors)")
                #expect(record.startedAt >= endsAt, "recovery started \(record.startedAt), downtime ended \(endsAt)")
            }
        }
    }

    @Test("a must_not standby is never promoted, even holding the most WAL")
    func mustNotIsNeverPromoted() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let ahead = topology.standbys[0], behind = topology.standbys[1]
                try await backend.registerCandidate(CandidateRegistration(key: ahead.key, rule: .mustNot, registeredAt: Date()))
                let load = WriteLoad(targets: [topology.primary])
                try await load.start()
                try await load.waitForAcknowledged(50)
                let receiver = try await behind.query("SELECT pid FROM pg_stat_wal_receiver").singleRow().decode("pid", as: Int.self)
                kill(Int32(receiver), SIGSTOP)
                let before = await load.acknowledged.count
                try await load.waitForAcknowledged(before + 100)
                await topology.primary.killPostmaster()
                kill(Int32(receiver), SIGCONT)
                _ = await load.stop()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                let steps = try await backend.recoverySteps(record.uid).map(\.message)
                #expect(record.status == .successful, "\(record.errors) \(steps)")
                #expect(record.successor == behind.key, "\(steps)")
                #expect(try await RecoveryFixture.isInRecovery(ahead))
                #expect(steps.contains { $0.contains("rule must_not") }, "\(steps)")
            }
        }
    }

    @Test("relocate a standby below a sibling and back; loops, itself and primaries refused")
    func relocate() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, _ in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let primary = topology.primary, sibling = topology.standbys[0], moving = topology.standbys[1]
                #expect(try await coordinator.relocate(moving.key, below: sibling.key).get() == sibling.key)
                try await RecoveryFixture.waitUntilStreaming(moving, from: sibling)
                #expect(try await Self.slots(moving.name, on: primary) == 0, "the slot it left on the primary is dropped")
                #expect(try await Self.slots(moving.name, on: sibling) == 1)
                try await primary.query("CREATE TABLE relocated (i int)")
                try await primary.query("INSERT INTO relocated VALUES (42)")
                try await Self.waitUntilVisible(moving)
                try await DiscoveryFixture.waitUntil(service, "\(moving) below \(sibling)") { $0.graph.nodes[moving.key]?.upstream == sibling.key }

                for (standby, target, reason) in [(sibling, moving, "loop"), (sibling, sibling, "itself"), (primary, sibling, "primary")] {
                    guard case .failure(let error) = await coordinator.relocate(standby.key, below: target.key) else {
                        Issue.record("moving \(standby) below \(target) was not refused")
                        continue
                    }
                    #expect(error.message.contains(reason), "\(error.message)")
                }
                let unknown = await coordinator.relocate(InstanceKey(host: "127.0.0.1", port: 1), below: sibling.key)
                #expect((try? unknown.get()) == nil)

                #expect(try await coordinator.relocate(moving.key, below: primary.key).get() == primary.key)
                try await RecoveryFixture.waitUntilStreaming(moving, from: primary)
                try await RecoveryFixture.waitUntilStreaming(sibling, from: primary)
                #expect(try await Self.slots(moving.name, on: sibling) == 0)
                #expect(try await Self.slots(moving.name, on: primary) == 1)
            }
        }
    }

    static func slots(_ name: String, on server: PGServer) async throws -> Int {
        try await server.query("SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name = $1", [name]).singleRow().decode("n", as: Int.self)
    }

    static func waitUntilVisible(_ standby: PGServer) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await standby.query("SELECT count(*)::int AS n FROM relocated WHERE i = 42").singleRow().decode("n", as: Int.self)) != 1 {
            guard ContinuousClock.now < deadline else {
                Issue.record("the write on the primary never reached \(standby)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

import Foundation
import Host
import PGClient
import PGTestKit
import Testing

@Suite("Test harness starts real PostgreSQL topologies")
struct HarnessTests {
    @Test("primary + 2 streaming standbys, roles and version as configured")
    func primaryAndTwoStandbys() async throws {
        let installation = try PGInstallation.underTest()
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let version = try await topology.primary.query("SHOW server_version_num").singleRow()
            #expect(try version.decode("server_version_num", as: Int.self) / 10_000 == installation.major)
            let senders = try await topology.primary.query(
                "SELECT application_name, state FROM pg_stat_replication ORDER BY application_name")
            #expect(senders.rows.count == 2)
            for (row, standby) in zip(senders.rows, topology.standbys.sorted { $0.name < $1.name }) {
                #expect(try row.decode("application_name", as: String.self) == standby.name)
                #expect(try row.decode("state", as: String.self) == "streaming")
            }
            for standby in topology.standbys {
                let recovery = try await standby.query("SELECT pg_is_in_recovery() AS r").singleRow()
                #expect(try recovery.decode("r", as: Bool.self))
            }
        }
    }
}

extension HarnessTests {
    @Test("cascading standby, synchronous replication and slots as asked")
    func cascadeSyncSlots() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, cascadingFrom: [0], synchronous: true, slots: true)) { topology in
            let cascade = try #require(topology.cascaded.first)
            let upstream = topology.standbys[0]
            let receiver = try await cascade.query("SELECT sender_port, slot_name FROM pg_stat_wal_receiver").singleRow()
            #expect(try receiver.decode("sender_port", as: Int.self) == upstream.port)
            #expect(try receiver.decode("slot_name", as: String.self) == cascade.name)
            let sync = try await topology.primary.query("SELECT count(*) AS n FROM pg_stat_replication WHERE sync_state = 'quorum'").singleRow()
            #expect(try sync.decode("n", as: Int.self) == 2)
            let slots = try await topology.primary.query("SELECT slot_name FROM pg_replication_slots WHERE active ORDER BY 1")
            #expect(slots.rows.map { try? $0.decode("slot_name", as: String.self) } == topology.standbys.map(\.name).sorted())
        }
    }

    @Test("write load records acknowledged commits and the check finds a lost one")
    func writeLoadAndLossCheck() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let load = WriteLoad(targets: [topology.primary])
            try await load.start()
            try await load.waitForAcknowledged(20)
            let acks = await load.stop()
            #expect(acks.count >= 20)
            #expect(try await WriteLoad.missing(acks, on: topology.primary).isEmpty)
            let victim = acks[acks.count / 2].id
            try await topology.primary.query("DELETE FROM orchestrator_test_load WHERE id = $1", [String(victim)])
            #expect(try await WriteLoad.missing(acks, on: topology.primary) == [victim])
        }
    }

    @Test("freeze, thaw, kill and restart a node")
    func nodeControl() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let standby = topology.standbys[0]
            standby.freeze()
            await #expect(throws: PGError.self) { try await standby.connect(timeout: .milliseconds(300)) }
            standby.thaw()
            _ = try await standby.query("SELECT 1")
            let oldPID = try #require(standby.postmasterPID)
            await standby.killPostmaster()
            await #expect(throws: PGError.self) { try await standby.connect(timeout: .seconds(1)) }
            try await standby.restart()
            #expect(standby.postmasterPID != oldPID)
            try await topology.waitUntilStreaming(timeout: .seconds(30))
        }
    }
}

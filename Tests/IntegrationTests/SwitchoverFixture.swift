import Foundation
import Host
import PGClient
import PGTestKit
import Testing

/// What a switchover test needs: the default demote script wired to the topology
/// (`DemoteSetup`), and checks of the topology's state.
struct SwitchoverFixture {
    let setup: DemoteSetup

    init(_ topology: PGTopology) throws {
        setup = try DemoteSetup(topology)
    }

    func remove() { setup.remove() }

    /// The `DemoteProcesses` entry running plugins/demote/pg_ctl-demote.sh of this checkout.
    func demoteCommand(_ topology: PGTopology) -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("plugins/demote/pg_ctl-demote.sh").path
        return setup.command(script: script, topology)
    }

    /// The cluster `server` belongs to, as the daemon names it.
    static func cluster(of server: PGServer, _ service: TopologyService) async throws -> String {
        try #require(await service.state.snapshot().graph.nodes[server.key]?.clusterName)
    }

    /// Waits until the daemon's view has `standbys` replicating from `primary`.
    static func waitUntilBelow(_ service: TopologyService, _ standbys: [PGServer], _ primary: PGServer) async throws {
        try await DiscoveryFixture.waitUntil(service, "\(standbys) replicate from \(primary) in the daemon's view") { s in
            standbys.allSatisfy { s.graph.nodes[$0.key]?.upstream == primary.key && s.records[$0.key]?.probe?.isReplicating == true }
                && s.records[primary.key]?.probe?.isPrimary == true
        }
    }

    /// The topology is as a healthy start left it: `primary` writable (not read-only, also in
    /// a new session), each standby in recovery and streaming from its upstream.
    static func expectUnchanged(_ primary: PGServer, _ standbys: [(PGServer, PGServer)]) async throws {
        #expect(try await !RecoveryFixture.isInRecovery(primary))
        let readOnly = try await primary.query("SELECT current_setting('default_transaction_read_only') AS v").singleRow().decode("v", as: String.self)
        #expect(readOnly == "off")
        try await primary.query("CREATE TABLE IF NOT EXISTS switchover_probe (id int)")
        try await primary.query("INSERT INTO switchover_probe VALUES (1)")
        for (standby, upstream) in standbys {
            #expect(try await RecoveryFixture.isInRecovery(standby))
            try await RecoveryFixture.waitUntilStreaming(standby, from: upstream)
        }
    }

    /// Waits until `standby` replayed all it received (after its replay was resumed).
    static func waitUntilReplayed(_ standby: PGServer) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !standby.query("SELECT pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() AS done").singleRow().decode("done", as: Bool.self) {
            guard ContinuousClock.now < deadline else {
                Issue.record("\(standby) did not replay what it received within 30 s")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

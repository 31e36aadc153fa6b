import Foundation
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

/// Issue 11 outcome 10, "hostile servers": a monitored server that answers the probe with
/// values no real PostgreSQL sends (review F3, F17) must not crash the daemon or poison its
/// store. The liar is `HostilePostgres` (Tests/Support/pg_hostile_standin.py); it claims the
/// real primary's system identifier and streams "from" it, so it sits in the real cluster.
@Suite("Hostile servers: lying probe answers do not crash the daemon or poison its store")
struct HostileServerTests {
    static func systemIdentifier(_ server: PGServer) async throws -> String {
        try await server.query("SELECT system_identifier::text AS id FROM pg_control_system()").singleRow().decode("id", as: String.self)
    }

    /// Checks what the store does every second with the topology, on the live snapshot: the
    /// records encode as JSON, the analyzer runs, every lag is finite.
    static func checkSnapshot(_ service: TopologyService) async throws {
        let snapshot = await service.state.snapshot()
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        for record in snapshot.records.values {
            #expect(throws: Never.self, "\(record.key) does not encode") { _ = try encoder.encode(record) }
            if let lag = record.probe?.lagSeconds { #expect(lag.isFinite, "\(record.key) lag \(lag)") }
            if let probedAt = record.probe?.probedAt { #expect(probedAt.timeIntervalSince1970.isFinite) }
        }
        _ = Analyzer.analyze(snapshot, .init(reasonableReplicationLagSeconds: 10))
    }

    @Test("NaN and infinite lags, FFFFFFFF/FFFFFFFF LSNs, NULLs, garbage and version 99999: no crash, saves keep working")
    func lyingStandbyDoesNotCrashOrPoisonTheStore() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let id = try await Self.systemIdentifier(topology.primary)
            try await HostilePostgres.with(.init(password: TestCredentials.password, systemIdentifier: id,
                                                 upstreamPort: topology.primary.port)) { liar in
                let config = try DiscoveryFixture.configuration(seeds: topology.servers, extra: [
                    "DiscoverySeeds": topology.servers.map(\.description) + [liar.key.description],
                ])
                let started = Date()
                try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                    // Two rounds of every variant (six of them, one per probe, one probe a second),
                    // or 40 s: stricter admission may stop probing the liar early, which is fine;
                    // what matters is that nothing breaks while it is probed.
                    let deadline = ContinuousClock.now + .seconds(40)
                    while liar.probesAnswered() < 12, ContinuousClock.now < deadline {
                        try await Self.checkSnapshot(service)
                        try await Task.sleep(for: .milliseconds(300))
                    }
                    #expect(liar.probesAnswered() >= 1, "the daemon never probed the liar:\n\(liar.log().suffix(2000))")
                    try await Self.checkSnapshot(service)
                    // Saves kept working: the real servers were saved after the liar's worst answers.
                    try await Task.sleep(for: .seconds(2))
                    let saved = try backend.loadInstances()
                    for server in topology.servers {
                        let record = try #require(saved.first { $0.key == server.key }, "\(server) not saved")
                        #expect((record.lastChecked ?? .distantPast) > started)
                    }
                    // Every real server stays valid throughout.
                    let snapshot = await service.state.snapshot()
                    for server in topology.servers { #expect(snapshot.records[server.key]?.lastCheckValid == true) }
                }
            }
        }
    }

    @Test("a system identifier that changes on every connection: no crash, the store keeps saving")
    func changingSystemIdentifierDoesNotCrash() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            try await HostilePostgres.with(.init(password: TestCredentials.password, upstreamPort: topology.primary.port,
                                                 flipIdentity: true, variants: ["max-lsn"])) { liar in
                let config = try DiscoveryFixture.configuration(seeds: topology.servers, extra: [
                    "DiscoverySeeds": topology.servers.map(\.description) + [liar.key.description],
                ])
                let started = Date()
                try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                    // Whether the daemon accepts the new identity (today) or quarantines the
                    // liar (stricter admission), it must neither crash nor stop saving.
                    let deadline = ContinuousClock.now + .seconds(30)
                    while liar.probesAnswered() < 6, ContinuousClock.now < deadline {
                        try await Self.checkSnapshot(service)
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    #expect(liar.probesAnswered() >= 1, "the daemon never probed the liar:\n\(liar.log().suffix(2000))")
                    try await Task.sleep(for: .seconds(2))
                    let saved = try backend.loadInstances()
                    for server in topology.servers {
                        let record = try #require(saved.first { $0.key == server.key }, "\(server) not saved")
                        #expect((record.lastChecked ?? .distantPast) > started)
                    }
                }
            }
        }
    }
}

extension HostileServerTests {
    /// Review F3 "takeover": the liar shares the primary's system identifier, names it in its
    /// conninfo and answers every query of the recovery consistently (all WAL there is, then a
    /// successful pg_promote). The primary's own pg_stat_replication never listed it, so it is
    /// no candidate (on loopback it shares the real standby's client_addr: its receiver's
    /// application_name gives it away).
    @Test("a liar claiming FFFFFFFF/FFFFFFFF in the dead primary's cluster is not promoted; the real standby is")
    func liarIsNeverPromoted() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let id = try await Self.systemIdentifier(topology.primary)
            try await HostilePostgres.with(.init(password: TestCredentials.password, systemIdentifier: id,
                                                 upstreamPort: topology.primary.port, variants: ["max-lsn-orphan"])) { liar in
                var config = try RecoveryFixture.configuration(topology)
                config.discovery.seeds = topology.servers.map(\.description) + [liar.key.description]
                try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                    try await DiscoveryFixture.waitUntil(service, "the standby streams, the liar sits in the primary's cluster") { s in
                        s.records[topology.standbys[0].key]?.probe?.isReplicating == true
                            && s.records[liar.key]?.lastCheckValid == true
                            && s.graph.nodes[liar.key]?.clusterName == s.graph.nodes[topology.primary.key]?.clusterName
                    }
                    await topology.primary.killPostmaster()
                    let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                    let steps = try await backend.recoverySteps(record.uid).map(\.message)
                    #expect(record.successor != liar.key, "the liar was promoted: \(record.status) \(record.errors)\n\(steps.joined(separator: "\n"))")
                    #expect(record.successor == topology.standbys[0].key, "\(record.status) \(record.errors)\n\(steps.joined(separator: "\n"))")
                    #expect(steps.contains { $0.contains("\(liar.key)") && $0.contains("never seen streaming") },
                            "the liar's exclusion is not explained:\n\(steps.joined(separator: "\n"))")
                    _ = try backend.loadInstances()
                }
            }
        }
    }
}

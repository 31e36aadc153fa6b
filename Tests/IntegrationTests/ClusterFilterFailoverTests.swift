import Foundation
import HookAPI
import Host
import PGTestKit
import Testing

/// Outcome 8 / F6: a recovery filter written as the docs and upstream say opts the cluster in.
@Suite("Recovery filters by alias (real servers)")
struct ClusterFilterFailoverTests {
    @Test("with RecoverMasterClusterFilters [\"alias=payments\"] an automated failover actually runs")
    func aliasFilterRunsAutomatedFailover() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: topology.servers, extra: [
                "RecoverMasterClusterFilters": ["alias=payments"],
                "RecoveryPeriodBlockSeconds": 0,
                "DetectClusterAliasQuery": "SELECT 'payments'",
            ])
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                try await DiscoveryFixture.waitUntil(service, "the alias is detected") { snapshot in
                    snapshot.records[topology.primary.key]?.probe?.detectedClusterAlias == "payments"
                }
                await topology.primary.killPostmaster()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend)
                #expect(record.status == .successful, "\(record.errors)")
                #expect(record.clusterAlias == "payments")
                let successor = try #require(topology.standbys.first { $0.key == record.successor })
                #expect(try await !RecoveryFixture.isInRecovery(successor))
            }
        }
    }
}

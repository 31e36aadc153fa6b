import Foundation
import Host
import PGTestKit
import Testing

/// Failover on the production shape (every server alone on its host, port 5432), with network
/// faults: the holistic rule when only the daemon lost the primary, and a primary host cut off.
extension NetworkNamespaceTests {
    @Test("the daemon alone cut from the primary (standbys keep streaming): UnreachablePrimary, no failover")
    func daemonCutFromPrimaryOnly() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, networkNamespaces: true)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                try await topology.primary.hideFromHost()
                let deadline = ContinuousClock.now + .seconds(15)
                while await !coordinator.analysis.contains(where: { $0.code == .unreachablePrimary }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(await coordinator.analysis.map(\.code).contains(.unreachablePrimary))
                // Well past a poll interval and the probe timeout: still nothing done.
                try await Task.sleep(for: .seconds(5))
                #expect(await !coordinator.analysis.contains { $0.code.isActionable })
                #expect(try await backend.recoveries().isEmpty)
                for standby in topology.standbys { #expect(try await RecoveryFixture.isInRecovery(standby)) }
                try await topology.primary.unhideFromHost()
            }
        }
    }

    @Test("the primary's host cut off: standbys lose it within wal_receiver_timeout, failover, the other standby follows")
    func primaryHostCutOff() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, settings: ["wal_receiver_timeout": "'2s'"], networkNamespaces: true)) { topology in
            let config = try RecoveryFixture.configuration(topology)
            try await DiscoveryFixture.run(config, recovering: true) { service, _, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                try await topology.primary.cutOff()
                let record = try await RecoveryFixture.waitForEndedRecovery(backend, timeout: .seconds(30))
                #expect(record.isSuccessful, "\(record.errors)")
                #expect(record.failed == topology.primary.key)
                let successor = try #require(topology.standbys.first { $0.key == record.successor })
                let other = try #require(topology.standbys.first { $0.key != record.successor })
                try await RecoveryFixture.waitUntilStreaming(other, from: successor)
            }
        }
    }
}

import Foundation
import Host
import PGClient
import PGTestKit
import Testing

/// Failover tests: a configuration with automated recovery on, and waits on recovery records.
enum RecoveryFixture {
    /// Automated recovery of every cluster, no block period unless `extra` sets one.
    static func configuration(_ topology: PGTopology, extra: [String: Any] = [:]) throws -> Configuration {
        var json: [String: Any] = [
            "RecoverMasterClusterFilters": [".*"],
            "RecoverIntermediateMasterClusterFilters": [".*"],
            "RecoveryPeriodBlockSeconds": 0,
        ]
        json.merge(extra) { _, new in new }
        return try DiscoveryFixture.configuration(seeds: topology.servers, extra: json)
    }

    /// Waits until the topology shows one cluster with every server, streaming.
    static func waitUntilSettled(_ service: TopologyService, _ topology: PGTopology) async throws {
        try await DiscoveryFixture.waitUntil(service, "every server known, one cluster, standbys streaming") { s in
            s.records.count == topology.servers.count && s.graph.clusterNames.count == 1
                && topology.standbys.allSatisfy { s.records[$0.key]?.probe?.isReplicating == true }
        }
    }

    /// Waits for a recovery that ended (not running), returning the newest.
    static func waitForEndedRecovery(_ backend: Backend, timeout: Duration = .seconds(60)) async throws -> RecoveryRecord {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let record = try await backend.recoveries(limit: 1).first, !record.isActive { return record }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no recovery ended within \(timeout); recoveries: \(try await backend.recoveries())")
        throw CancellationError()
    }

    /// Waits until `standby` streams from `primary` (its WAL receiver says so).
    static func waitUntilStreaming(_ standby: PGServer, from primary: PGServer, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            if let row = try? await standby.query("SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver").rows.first {
                last = row.values.map { $0 ?? "null" }.joined(separator: " ")
                if (try? row.decode("status", as: String.self)) == "streaming",
                   (try? row.decode("sender_port", as: Int.self)) == primary.port,
                   (try? row.decode("sender_host", as: String.self)) == primary.host { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOfFile: "\(standby.dataDirectory)/server.log", encoding: .utf8)) ?? ""
        Issue.record("\(standby) does not stream from \(primary) (last: \(last)); its log ends:\n\(log.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        throw CancellationError()
    }

    /// A path in the temporary directory, unique to this call.
    static func scratchPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString)-\(name)").path
    }

    static func isInRecovery(_ server: PGServer) async throws -> Bool {
        try await server.query("SELECT pg_is_in_recovery() AS r").singleRow().decode("r", as: Bool.self)
    }
}

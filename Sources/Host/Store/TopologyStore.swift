import Foundation
internal import GRDB
import Logging

/// Instances and their role history in the backend. The full record is stored as JSON beside
/// the columns that queries and operators need.
extension Backend {
    package func saveInstances(_ changed: [InstanceRecord], removed: [InstanceKey], roleChanges: [TopologyState.RoleChange],
                              clusterOf: [InstanceKey: String]) async throws(StoreError) {
        guard !changed.isEmpty || !removed.isEmpty || !roleChanges.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        do {
            // GRDB's async write runs on its own queue, not on a cooperative-pool thread.
            try await writing { db in
                for record in changed {
                    // A record that cannot be encoded (a non-finite number slipped through) is
                    // saved without its snapshot rather than failing every save that contains it.
                    var snapshot: String?
                    do {
                        snapshot = String(decoding: try encoder.encode(record), as: UTF8.self)
                    } catch {
                        Self.logger.warning("saving an instance without its snapshot: it cannot be encoded",
                                            metadata: ["instance": "\(record.key)", "error": "\(error)"])
                    }
                    let upstream = record.probe?.walReceiver
                    try db.execute(sql: """
                        INSERT INTO database_instance(hostname, port, cluster_name, system_identifier, server_version,
                            is_primary, upstream_hostname, upstream_port, replication_depth, first_seen, last_checked,
                            last_seen, last_check_valid, snapshot)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
                        ON CONFLICT(hostname, port) DO UPDATE SET
                            cluster_name = excluded.cluster_name, system_identifier = excluded.system_identifier,
                            server_version = excluded.server_version, is_primary = excluded.is_primary,
                            upstream_hostname = excluded.upstream_hostname, upstream_port = excluded.upstream_port,
                            last_checked = excluded.last_checked, last_seen = excluded.last_seen,
                            last_check_valid = excluded.last_check_valid, snapshot = excluded.snapshot
                        """, arguments: [
                            record.key.host, record.key.port, clusterOf[record.key] ?? "", record.probe?.systemIdentifier,
                            record.probe?.versionNumber, record.isPrimary, upstream?.senderHost, upstream?.senderPort,
                            record.firstSeen, record.lastChecked, record.lastSeen, record.lastCheckValid, snapshot,
                        ])
                }
                for key in removed {
                    try db.execute(sql: "DELETE FROM database_instance WHERE hostname = ? AND port = ?", arguments: [key.host, key.port])
                }
                for change in roleChanges {
                    try db.execute(sql: """
                        INSERT INTO instance_role_history(hostname, port, cluster_name, role, changed_at) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [change.key.host, change.key.port, change.clusterName, change.role, change.at])
                }
            }
        } catch {
            throw StoreError(path: path, message: "saving instances failed: \(reason(error))")
        }
    }

    /// Every instance saved, for the topology to resume from after a restart.
    package func loadInstances() throws(StoreError) -> [InstanceRecord] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try database.read { db in
                try String.fetchAll(db, sql: "SELECT snapshot FROM database_instance WHERE snapshot IS NOT NULL")
                    .compactMap { try? decoder.decode(InstanceRecord.self, from: Data($0.utf8)) }
            }
        } catch {
            throw StoreError(path: path, message: "loading instances failed: \(reason(error))")
        }
    }
}

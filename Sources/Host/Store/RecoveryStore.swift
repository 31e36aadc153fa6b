package import Foundation
internal import GRDB
import Logging

/// Recoveries and their steps in the backend. The full record is JSON in `details`; the
/// columns are what queries and the one-active-recovery-per-cluster index need.
extension Backend {
    /// Inserts `record` as the cluster's active recovery. Returns nil, writing nothing, when
    /// the cluster already has one: the database's unique index decides, so two triggers
    /// racing for one cluster cannot both win.
    package func registerRecovery(_ record: RecoveryRecord) async throws(StoreError) -> RecoveryRecord? {
        do {
            return try await writing { db -> RecoveryRecord? in
                let systemIdentifier = record.analysis.systemIdentifier ?? ""
                let active = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM topology_recovery
                    WHERE is_active AND (cluster_name = ? OR (system_identifier = ? AND system_identifier <> ''))
                    """, arguments: [record.clusterName, systemIdentifier]) ?? 0
                guard active == 0 else { return nil }
                try db.execute(sql: """
                    INSERT INTO topology_recovery(uid, cluster_name, system_identifier, failed_hostname, failed_port, analysis,
                        is_active, is_successful, start_timestamp, details)
                    VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?, '{}')
                    """, arguments: [record.uid, record.clusterName, systemIdentifier, record.failed.host, record.failed.port,
                                     record.analysis.code.rawValue, record.startedAt])
                var saved = record
                saved.id = db.lastInsertedRowID
                try Self.write(saved, db)
                return saved
            }
        } catch {
            throw StoreError(path: path, message: "cannot register recovery: \(reason(error))")
        }
    }

    package func updateRecovery(_ record: RecoveryRecord) async throws(StoreError) {
        do {
            try await writing { try Self.write(record, $0) }
        } catch {
            throw StoreError(path: path, message: "cannot update recovery \(record.uid): \(reason(error))")
        }
    }

    private static func write(_ record: RecoveryRecord, _ db: Database) throws {
        try db.execute(sql: """
            UPDATE topology_recovery SET is_active = ?, is_successful = ?, successor_hostname = ?, successor_port = ?,
                end_timestamp = ?, acknowledged = ?, acknowledged_at = ?, acknowledged_by = ?, acknowledged_comment = ?,
                details = ?
            WHERE uid = ?
            """, arguments: [record.isActive, record.isSuccessful, record.successor?.host, record.successor?.port,
                             record.endedAt, record.acknowledged, record.acknowledgedAt, record.acknowledgedBy,
                             record.acknowledgedComment, String(decoding: try RecoveryCoding.encoder.encode(record), as: UTF8.self),
                             record.uid])
    }

    package func addRecoveryStep(_ uid: String, _ message: String, at: Date = Date()) async throws(StoreError) {
        let stored = Self.capped(message)
        do {
            try await writing {
                try $0.execute(sql: "INSERT INTO topology_recovery_step(recovery_uid, at, message) VALUES (?, ?, ?)",
                               arguments: [uid, at, stored])
            }
        } catch {
            throw StoreError(path: path, message: "cannot record a step of recovery \(uid): \(reason(error))")
        }
    }

    /// Newest first.
    package func recoveries(_ filter: RecoveryFilter = .all, limit: Int = 50, offset: Int = 0) async throws(StoreError) -> [RecoveryRecord] {
        let (condition, arguments) = Self.sql(filter)
        do {
            let rows = try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT id, details FROM topology_recovery WHERE \(condition) ORDER BY id DESC LIMIT ? OFFSET ?",
                                 arguments: arguments + [limit, offset]).map { row -> (Int64, String) in
                    (row["id"] as Int64? ?? 0, row["details"] as String? ?? "")
                }
            }
            // Row by row: one unreadable row (hand-edited, written by another version) must not
            // hide every other recovery, and with them the one-active and block-period gates.
            return rows.compactMap { (id, details) in
                do {
                    return try RecoveryCoding.decoder.decode(RecoveryRecord.self, from: Data(details.utf8))
                } catch {
                    Self.logger.warning("SQLite3DataFile \(path): recovery row id \(id) is unreadable and skipped: \(error)")
                    return nil
                }
            }
        } catch {
            throw StoreError(path: path, message: "cannot read recoveries: \(reason(error))")
        }
    }

    private static func sql(_ filter: RecoveryFilter) -> (String, StatementArguments) {
        switch filter {
        case .all: ("1", [])
        case .cluster(let name): ("cluster_name = ?", [name])
        case .uid(let uid): ("uid = ?", [uid])
        case .id(let id): ("id = ?", [id])
        case .active: ("is_active", [])
        case .failedInstance(let key): ("failed_hostname = ? AND failed_port = ?", [key.host, key.port])
        case .systemIdentifier(let id): ("system_identifier = ?", [id])
        }
    }

    package func recoverySteps(_ uid: String) async throws(StoreError) -> [RecoveryStep] {
        do {
            return try await database.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT id, recovery_uid, at, message FROM topology_recovery_step WHERE recovery_uid = ? ORDER BY id",
                                            arguments: [uid])
                return decodeEach(rows, of: "topology_recovery_step") { row in
                    RecoveryStep(id: try row.decode(forColumn: "id"), recoveryUID: try row.decode(forColumn: "recovery_uid"),
                                 at: try row.decode(forColumn: "at"), message: try row.decode(forColumn: "message"))
                }
            }
        } catch {
            throw StoreError(path: path, message: "cannot read steps of recovery \(uid): \(reason(error))")
        }
    }

    /// Acknowledges the unacknowledged recoveries matching `filter`; returns them.
    package func acknowledgeRecoveries(_ filter: RecoveryFilter, by user: String, comment: String, at: Date = Date()) async throws(StoreError) -> [RecoveryRecord] {
        var acknowledged: [RecoveryRecord] = []
        for var record in try await recoveries(filter, limit: 10_000) where !record.acknowledged {
            record.acknowledged = true
            record.acknowledgedAt = at
            record.acknowledgedBy = user
            record.acknowledgedComment = comment
            try await updateRecovery(record)
            acknowledged.append(record)
        }
        return acknowledged
    }
}

extension Backend {
    /// Longest step message stored (hook output can be megabytes): the start and the end are
    /// kept, the middle is cut.
    static let maximumStepBytes = 64 * 1024

    static func capped(_ message: String) -> String {
        let bytes = Array(message.utf8)
        guard bytes.count > maximumStepBytes else { return message }
        let head = 4 * 1024
        let tail = maximumStepBytes - head
        return String(decoding: bytes[..<head], as: UTF8.self)
            + "\n[... \(bytes.count - head - tail) bytes cut ...]\n"
            + String(decoding: bytes[(bytes.count - tail)...], as: UTF8.self)
    }

    /// `AuditPurgeDays`: deletes ended recoveries that started before `cutoff` with their steps,
    /// steps of recoveries no longer stored, and role changes before `cutoff`. Running
    /// recoveries are kept whatever their age. Returns how many rows went.
    @discardableResult
    package func purgeHistory(before cutoff: Date) async throws(StoreError) -> Int {
        do {
            return try await writing { db in
                try db.execute(sql: "DELETE FROM topology_recovery WHERE NOT is_active AND start_timestamp < ?", arguments: [cutoff])
                var count = db.changesCount
                try db.execute(sql: """
                    DELETE FROM topology_recovery_step
                    WHERE recovery_uid NOT IN (SELECT uid FROM topology_recovery) OR at < ?
                      AND recovery_uid NOT IN (SELECT uid FROM topology_recovery WHERE is_active)
                    """, arguments: [cutoff])
                count += db.changesCount
                try db.execute(sql: "DELETE FROM instance_role_history WHERE changed_at < ?", arguments: [cutoff])
                count += db.changesCount
                return count
            }
        } catch {
            throw StoreError(path: path, message: "cannot purge history older than \(cutoff): \(reason(error))")
        }
    }
}

enum RecoveryCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}

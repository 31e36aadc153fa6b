package import Foundation
import HookAPI
internal import GRDB

extension Backend {
    /// Starts (or replaces) the downtime of `key`.
    package func beginDowntime(_ downtime: Downtime) async throws(StoreError) {
        do {
            try await writing {
                try $0.execute(sql: "DELETE FROM database_instance_downtime WHERE end_timestamp <= ?", arguments: [downtime.beganAt])
                try $0.execute(sql: """
                    INSERT OR REPLACE INTO database_instance_downtime(hostname, port, owner, reason, begin_timestamp, end_timestamp)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [downtime.key.host, downtime.key.port, downtime.owner, downtime.reason,
                                     downtime.beganAt, downtime.endsAt])
            }
        } catch {
            throw StoreError(path: path, message: "cannot downtime \(downtime.key): \(reason(error))")
        }
    }

    /// Ends the downtime of `key`; false when it had none in force.
    package func endDowntime(_ key: InstanceKey, at now: Date = Date()) async throws(StoreError) -> Bool {
        do {
            return try await writing { db in
                try db.execute(sql: "DELETE FROM database_instance_downtime WHERE hostname = ? AND port = ? AND end_timestamp > ?",
                               arguments: [key.host, key.port, now])
                let ended = db.changesCount > 0
                try db.execute(sql: "DELETE FROM database_instance_downtime WHERE end_timestamp <= ?", arguments: [now])
                return ended
            }
        } catch {
            throw StoreError(path: path, message: "cannot end the downtime of \(key): \(reason(error))")
        }
    }

    /// Downtimes in force at `now`. A read: the analysis asks after every probe pass, and the
    /// API on every instance read; expired rows are purged by `beginDowntime` instead.
    package func activeDowntimes(at now: Date = Date()) async throws(StoreError) -> [Downtime] {
        do {
            return try await database.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM database_instance_downtime WHERE end_timestamp > ? ORDER BY hostname, port",
                                            arguments: [now])
                return decodeEach(rows, of: "database_instance_downtime") { row in
                    Downtime(key: InstanceKey(host: try row.decode(forColumn: "hostname"), port: try row.decode(forColumn: "port")),
                             owner: try row.decode(forColumn: "owner"), reason: try row.decode(forColumn: "reason"),
                             beganAt: try row.decode(forColumn: "begin_timestamp"), endsAt: try row.decode(forColumn: "end_timestamp"))
                }
            }
        } catch {
            throw StoreError(path: path, message: "cannot read downtimes: \(reason(error))")
        }
    }
}

extension Backend {
    package func registerCandidate(_ registration: CandidateRegistration) async throws(StoreError) {
        do {
            try await writing {
                try $0.execute(sql: """
                    INSERT OR REPLACE INTO candidate_database_instance(hostname, port, promotion_rule, last_suggested)
                    VALUES (?, ?, ?, ?)
                    """, arguments: [registration.key.host, registration.key.port, registration.rule.rawValue, registration.registeredAt])
            }
        } catch {
            throw StoreError(path: path, message: "cannot register candidate \(registration.key): \(reason(error))")
        }
    }

    /// Registrations newer than `since`.
    package func candidateRegistrations(since: Date) async throws(StoreError) -> [CandidateRegistration] {
        do {
            return try await database.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM candidate_database_instance WHERE last_suggested > ? ORDER BY hostname, port",
                                            arguments: [since])
                return decodeEach(rows, of: "candidate_database_instance") { row in
                    let text: String = try row.decode(forColumn: "promotion_rule")
                    guard let rule = PromotionRule(rawValue: text) else { throw RowSkipped("unknown promotion rule \"\(text)\"") }
                    return CandidateRegistration(key: InstanceKey(host: try row.decode(forColumn: "hostname"), port: try row.decode(forColumn: "port")),
                                                 rule: rule, registeredAt: try row.decode(forColumn: "last_suggested"))
                }
            }
        } catch {
            throw StoreError(path: path, message: "cannot read candidates: \(reason(error))")
        }
    }

    /// `disable-global-recoveries` survives restarts: it is a row in `global_settings`.
    package func setRecoveriesDisabled(_ disabled: Bool) async throws(StoreError) {
        do {
            try await writing {
                try $0.execute(sql: "INSERT OR REPLACE INTO global_settings(name, value) VALUES ('recoveries_disabled', ?)",
                               arguments: [disabled ? "1" : "0"])
            }
        } catch {
            throw StoreError(path: path, message: "cannot store the global recovery switch: \(reason(error))")
        }
    }

    package func recoveriesDisabled() async throws(StoreError) -> Bool {
        do {
            return try await database.read {
                try String.fetchOne($0, sql: "SELECT value FROM global_settings WHERE name = 'recoveries_disabled'") == "1"
            }
        } catch {
            throw StoreError(path: path, message: "cannot read the global recovery switch: \(reason(error))")
        }
    }
}

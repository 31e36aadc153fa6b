package import Foundation
internal import GRDB

/// One audited API write (upstream's `Audit`: id, time, type, instance, message), with the
/// request's facts kept apart so they can be filtered without parsing the message.
package struct AuditEntry: Sendable, Equatable {
    package var id: Int64
    package var at: Date
    /// The action: the route's first segment (`begin-downtime`, `recover`, ...).
    package var type: String
    /// The instance the route names (`:host/:port`), if any.
    package var instance: InstanceKey?
    package var user: String
    package var source: String
    package var method: String
    package var path: String
    package var status: Int
    package var message: String

    package init(id: Int64 = 0, at: Date, type: String, instance: InstanceKey?, user: String, source: String,
                method: String, path: String, status: Int, message: String) {
        self.id = id
        self.at = at
        self.type = type
        self.instance = instance
        self.user = user
        self.source = source
        self.method = method
        self.path = path
        self.status = status
        self.message = message
    }
}

extension Backend {
    /// Stores `entry` and purges entries older than `purgeBefore` (`AuditPurgeDays`) in the
    /// same transaction; returns the new entry's id.
    @discardableResult
    package func recordAudit(_ entry: AuditEntry, purgeBefore: Date?) async throws(StoreError) -> Int64 {
        do {
            return try await database.write { db in
                if let purgeBefore {
                    try db.execute(sql: "DELETE FROM api_audit WHERE at < ?", arguments: [purgeBefore])
                }
                try db.execute(sql: """
                    INSERT INTO api_audit(at, type, hostname, port, user, source, method, path, status, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [entry.at, entry.type, entry.instance?.host ?? "", entry.instance?.port ?? 0, entry.user,
                                     entry.source, entry.method, entry.path, entry.status, entry.message])
                return db.lastInsertedRowID
            }
        } catch {
            throw StoreError(path: path, message: "cannot record an audit entry: \(reason(error))")
        }
    }

    /// Newest first; only `instance`'s entries when given.
    package func auditEntries(instance: InstanceKey? = nil, limit: Int, offset: Int) async throws(StoreError) -> [AuditEntry] {
        let condition = instance == nil ? "1" : "hostname = ? AND port = ?"
        let arguments: StatementArguments = instance.map { [$0.host, $0.port] } ?? []
        do {
            return try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_audit WHERE \(condition) ORDER BY id DESC LIMIT ? OFFSET ?",
                                 arguments: arguments + [limit, offset]).map(Self.auditEntry)
            }
        } catch {
            throw StoreError(path: path, message: "cannot read the audit: \(reason(error))")
        }
    }

    /// Decodes without GRDB's trapping subscripts: a hand-edited row reads as blanks.
    private static func auditEntry(_ row: Row) -> AuditEntry {
        func text(_ column: String) -> String { String.fromDatabaseValue(row[column] as DatabaseValue) ?? "" }
        func integer(_ column: String) -> Int64 { Int64.fromDatabaseValue(row[column] as DatabaseValue) ?? 0 }
        let host = text("hostname"), port = Int(clamping: integer("port"))
        return AuditEntry(id: integer("id"), at: Date.fromDatabaseValue(row["at"] as DatabaseValue) ?? Date(timeIntervalSince1970: 0),
                          type: text("type"), instance: host.isEmpty ? nil : InstanceKey(host: host, port: port),
                          user: text("user"), source: text("source"), method: text("method"), path: text("path"),
                          status: Int(clamping: integer("status")), message: text("message"))
    }
}

internal import GRDB

/// The backend schema, as an ordered list of migrations. A migration, once released, is never
/// edited: changes go in a new one, so any older database upgrades in place.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-topology") { db in
            try db.create(table: "database_instance") { t in
                t.column("hostname", .text).notNull()
                t.column("port", .integer).notNull()
                t.primaryKey(["hostname", "port"])
                t.column("cluster_name", .text).notNull().defaults(to: "")
                t.column("system_identifier", .text)
                t.column("server_version", .integer)
                t.column("is_primary", .boolean).notNull().defaults(to: false)
                t.column("upstream_hostname", .text)
                t.column("upstream_port", .integer)
                t.column("replication_depth", .integer).notNull().defaults(to: 0)
                t.column("first_seen", .datetime).notNull()
                t.column("last_checked", .datetime)
                t.column("last_seen", .datetime)
                t.column("last_check_valid", .boolean).notNull().defaults(to: false)
                // The full last probe, as JSON: the API serves it without a join per field.
                t.column("snapshot", .text)
            }
            try db.create(index: "database_instance_cluster", on: "database_instance", columns: ["cluster_name"])
            try db.create(table: "cluster_alias") { t in
                t.primaryKey("cluster_name", .text)
                t.column("alias", .text).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "instance_role_history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("hostname", .text).notNull()
                t.column("port", .integer).notNull()
                t.column("cluster_name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("changed_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2-recovery") { db in
            try db.create(table: "topology_recovery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("uid", .text).notNull().unique()
                t.column("cluster_name", .text).notNull()
                t.column("failed_hostname", .text).notNull()
                t.column("failed_port", .integer).notNull()
                t.column("analysis", .text).notNull()
                t.column("is_active", .boolean).notNull()
                t.column("is_successful", .boolean).notNull().defaults(to: false)
                t.column("successor_hostname", .text)
                t.column("successor_port", .integer)
                t.column("start_timestamp", .datetime).notNull()
                t.column("end_timestamp", .datetime)
                t.column("acknowledged", .boolean).notNull().defaults(to: false)
                t.column("acknowledged_at", .datetime)
                t.column("acknowledged_by", .text)
                t.column("acknowledged_comment", .text)
                t.column("details", .text)
            }
            // At most one active recovery per cluster, enforced by the database itself.
            try db.execute(sql: """
                CREATE UNIQUE INDEX topology_recovery_one_active
                ON topology_recovery(cluster_name) WHERE is_active
                """)
            try db.create(table: "topology_recovery_step") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recovery_uid", .text).notNull().indexed()
                t.column("at", .datetime).notNull()
                t.column("message", .text).notNull()
            }
            try db.create(table: "database_instance_downtime") { t in
                t.column("hostname", .text).notNull()
                t.column("port", .integer).notNull()
                t.primaryKey(["hostname", "port"])
                t.column("owner", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("begin_timestamp", .datetime).notNull()
                t.column("end_timestamp", .datetime).notNull()
            }
            try db.create(table: "candidate_database_instance") { t in
                t.column("hostname", .text).notNull()
                t.column("port", .integer).notNull()
                t.primaryKey(["hostname", "port"])
                t.column("promotion_rule", .text).notNull()
                t.column("last_suggested", .datetime).notNull()
            }
            try db.create(table: "global_settings") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
        }
        // A cluster keeps its system identifier across failovers while its name (the
        // primary's host:port) changes: "one active recovery" and the block period key on it.
        migrator.registerMigration("v3-recovery-identity") { db in
            try db.alter(table: "topology_recovery") { t in
                t.add(column: "system_identifier", .text).notNull().defaults(to: "")
            }
            try db.execute(sql: """
                CREATE UNIQUE INDEX topology_recovery_one_active_system
                ON topology_recovery(system_identifier) WHERE is_active AND system_identifier <> ''
                """)
        }
        // Every API write: who, from where, which route, with what outcome (`/api/audit`).
        migrator.registerMigration("v4-api-audit") { db in
            try db.create(table: "api_audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull().indexed()
                t.column("type", .text).notNull()
                t.column("hostname", .text).notNull().defaults(to: "")
                t.column("port", .integer).notNull().defaults(to: 0)
                t.column("user", .text).notNull()
                t.column("source", .text).notNull()
                t.column("method", .text).notNull()
                t.column("path", .text).notNull()
                t.column("status", .integer).notNull()
                t.column("message", .text).notNull()
            }
            try db.create(index: "api_audit_instance", on: "api_audit", columns: ["hostname", "port"])
        }
        return migrator
    }
}

extension Configuration {
    /// Where the daemon keeps its own state.
    package struct Backend: Sendable, Equatable {
        /// `BackendDB`, as written: `"sqlite"` or `"sqlite3"`.
        package var backendDB = "sqlite"
        /// `SQLite3DataFile`.
        package var sqlite3DataFile = "/var/lib/orchestrator/orchestrator.sqlite3"

        package init() {}
    }

    /// Audit sinks and retention.
    package struct Audit: Sendable, Equatable {
        /// `AuditLogFile`: "" disables the audit file.
        package var logFile = ""
        /// `AuditToSyslog`.
        package var toSyslog = false
        /// `AuditToBackendDB`: store entries for `/api/audit` (upstream's default is false).
        package var toBackendDB = true
        /// `AuditPurgeDays`.
        package var purgeDays = 7

        package init() {}
    }
}

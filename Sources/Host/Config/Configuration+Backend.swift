extension Configuration {
    /// Where the daemon keeps its own state.
    public struct Backend: Sendable, Equatable {
        /// `BackendDB`, as written: `"sqlite"` or `"sqlite3"`.
        public var backendDB = "sqlite"
        /// `SQLite3DataFile`.
        public var sqlite3DataFile = "/var/lib/orchestrator/orchestrator.sqlite3"

        public init() {}
    }

    /// Audit sinks and retention.
    public struct Audit: Sendable, Equatable {
        /// `AuditLogFile`: "" disables the audit file.
        public var logFile = ""
        /// `AuditToSyslog`.
        public var toSyslog = false
        /// `AuditToBackendDB`: store entries for `/api/audit` (upstream's default is false).
        public var toBackendDB = true
        /// `AuditPurgeDays`.
        public var purgeDays = 7

        public init() {}
    }
}

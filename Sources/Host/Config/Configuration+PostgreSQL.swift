extension Configuration {
    /// How the daemon connects to the PostgreSQL instances it manages.
    public struct PostgreSQL: Sendable, Equatable {
        /// `PostgreSQLTopologyUser`.
        public var topologyUser = ""
        /// `PostgreSQLTopologyPassword` (secret: redacted in every rendering).
        public var topologyPassword: Secret = ""
        /// `PostgreSQLSSLMode`.
        public var sslMode = SSLMode.require
        /// `DefaultInstancePort`: port for seeds and standbys found without one.
        public var defaultInstancePort = 5432
        /// `PostgreSQLConnectTimeoutSeconds`.
        public var connectTimeoutSeconds = 2
        /// `PostgreSQLProbeTimeoutSeconds`: deadline of one probe's queries.
        public var probeTimeoutSeconds = 2
        /// `PostgreSQLDatabase`: database to connect to on every instance.
        public var database = "postgres"

        public init() {}
    }

    /// libpq `sslmode` values.
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case allow
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }
}

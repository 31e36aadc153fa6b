extension Configuration {
    /// How the daemon connects to the PostgreSQL instances it manages.
    public struct PostgreSQL: Sendable, Equatable {
        /// `PostgreSQLTopologyUser`.
        public var topologyUser = ""
        /// `PostgreSQLTopologyPassword` (secret: redacted in every rendering).
        public var topologyPassword: Secret = ""
        /// `PostgreSQLSSLMode`.
        public var sslMode = SSLMode.require
        /// `PostgreSQLTopologySSLCAFile`: libpq `sslrootcert` (CA for `verify-ca`/`verify-full`).
        public var sslRootCertFile = ""
        /// `PostgreSQLTopologySSLCertFile`: libpq `sslcert` (client certificate).
        public var sslCertFile = ""
        /// `PostgreSQLTopologySSLPrivateKeyFile`: libpq `sslkey` (client certificate's key).
        public var sslKeyFile = ""
        /// `PostgreSQLTopologySSLCRLFile`: libpq `sslcrl`.
        public var sslCRLFile = ""
        /// `PostgreSQLChannelBinding`: libpq `channel_binding`.
        public var channelBinding = ChannelBinding.prefer
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

    /// libpq `channel_binding` values.
    public enum ChannelBinding: String, Sendable, Equatable, CaseIterable {
        case disable
        case prefer
        case require
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

extension Configuration {
    /// How the daemon connects to the PostgreSQL instances it manages.
    package struct PostgreSQL: Sendable, Equatable {
        /// `PostgreSQLTopologyUser`.
        package var topologyUser = ""
        /// `PostgreSQLTopologyPassword` (secret: redacted in every rendering).
        package var topologyPassword: Secret = ""
        /// `PostgreSQLSSLMode`.
        package var sslMode = SSLMode.require
        /// `PostgreSQLTopologySSLCAFile`: libpq `sslrootcert` (CA for `verify-ca`/`verify-full`).
        package var sslRootCertFile = ""
        /// `PostgreSQLTopologySSLCertFile`: libpq `sslcert` (client certificate).
        package var sslCertFile = ""
        /// `PostgreSQLTopologySSLPrivateKeyFile`: libpq `sslkey` (client certificate's key).
        package var sslKeyFile = ""
        /// `PostgreSQLTopologySSLCRLFile`: libpq `sslcrl`.
        package var sslCRLFile = ""
        /// `PostgreSQLChannelBinding`: libpq `channel_binding`.
        package var channelBinding = ChannelBinding.prefer
        /// `DefaultInstancePort`: port for seeds and standbys found without one.
        package var defaultInstancePort = 5432
        /// `PostgreSQLConnectTimeoutSeconds`.
        package var connectTimeoutSeconds = 2
        /// `PostgreSQLProbeTimeoutSeconds`: deadline of one probe's queries.
        package var probeTimeoutSeconds = 2
        /// `PostgreSQLDatabase`: database to connect to on every instance.
        package var database = "postgres"

        package init() {}
    }

    /// libpq `channel_binding` values.
    package enum ChannelBinding: String, Sendable, Equatable, CaseIterable {
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

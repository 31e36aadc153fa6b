public import Host

/// One entry of the `ProxySQL` list: a ProxySQL PostgreSQL admin interface that the built-in
/// rewire plugin updates after a promotion.
public struct ProxySQLEndpoint: Sendable, Equatable {
    /// `Address`: host name or IP of the admin interface (required).
    public var address = ""
    /// `Port`: ProxySQL's PostgreSQL-protocol admin port (`admin-pgsql_ifaces`, default 6132).
    public var port = 6132
    /// `User`: ProxySQL's compiled-in admin user is `admin`, which may only log in from
    /// localhost; use a dedicated user from `admin-admin_credentials` for remote endpoints.
    public var user = "admin"
    /// `Password` (secret): ProxySQL's compiled-in default is `admin`.
    public var password: Secret = "admin"
    /// `WriterHostgroup` (required).
    public var writerHostgroup = 0
    /// `ReaderHostgroup`: nil when the plugin should not manage readers.
    public var readerHostgroup: Int?
    /// `PreFailoverDrain`: set the old primary `OFFLINE_SOFT` before a failover.
    public var preFailoverDrain = false
    /// `SSLMode`: libpq `sslmode` for the admin connection.
    public var sslMode = Configuration.SSLMode.prefer
    /// `ConnectTimeoutSeconds`: libpq `connect_timeout`.
    public var connectTimeoutSeconds = 2
    /// `TimeoutSeconds`: deadline for the whole rewire of this endpoint, retries included.
    public var timeoutSeconds = 30

    public init() {}

    public init(address: String, port: Int = 6132, writerHostgroup: Int, readerHostgroup: Int? = nil) {
        self.address = address
        self.port = port
        self.writerHostgroup = writerHostgroup
        self.readerHostgroup = readerHostgroup
    }

    /// `address:port`.
    public var hostPort: HostPort { HostPort(host: address, port: port) }
}

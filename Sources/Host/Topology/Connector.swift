/// How the daemon connects to every instance: one place that turns a key into connection
/// parameters, with the topology credentials, TLS settings and deadlines from the configuration.
///
/// Every PostgreSQL session it opens starts with fixed server settings (`options`, which
/// override per-database and per-role settings, so an owner of the database cannot change
/// them for us): `search_path=pg_catalog,pg_temp` (no function or operator of a schema a user
/// can create in is ever resolved, CVE-2018-1058), `standard_conforming_strings=on` (what
/// `SQLQuote` relies on), and `statement_timeout`/`lock_timeout` equal to the client deadline
/// of the statements the connection is for, so a statement the daemon gave up on does not
/// live on in the server (the client also sends a cancel at its deadline, `PGConnection`).
public struct Connector: Sendable {
    public var user: String
    public var password: String
    public var sslMode: String
    public var database: String
    public var connectTimeout: Duration
    /// The client deadline of one statement; also the server's `statement_timeout` and
    /// `lock_timeout` of the session, and its `tcp_user_timeout`.
    public var queryTimeout: Duration
    /// TLS and authentication hardening (`PostgreSQLSSL*`, `PostgreSQLChannelBinding`).
    public var tls: TLS
    /// False for servers that only speak the protocol (ProxySQL's admin port), which know no
    /// PostgreSQL settings.
    public var pinsSessionSettings: Bool

    /// libpq parameters that make the server prove who it is before the password goes out.
    public struct TLS: Sendable, Equatable {
        /// `sslrootcert`: CA file for `verify-ca`/`verify-full` (libpq's default is
        /// `~/.postgresql/root.crt`).
        public var rootCertFile = ""
        /// `sslcert`/`sslkey`: client certificate and key, for `cert` authentication.
        public var certFile = ""
        public var keyFile = ""
        /// `sslcrl`.
        public var crlFile = ""
        /// `channel_binding`: `disable`, `prefer` (libpq's default) or `require`.
        public var channelBinding = ""
        public init() {}
    }
    /// `DiscoveryAllowedNetworks`: checked on the resolved address before every connection.
    public var allowedNetworks = AllowedNetworks()

    public init(user: String, password: String, sslMode: String, database: String = "postgres",
                connectTimeout: Duration = .seconds(2), queryTimeout: Duration = .seconds(2),
                tls: TLS = TLS(), pinsSessionSettings: Bool = true) {
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.database = database
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.tls = tls
        self.pinsSessionSettings = pinsSessionSettings
    }

    public init(_ configuration: Configuration) {
        let pg = configuration.postgresql
        var tls = TLS()
        tls.rootCertFile = pg.sslRootCertFile
        tls.certFile = pg.sslCertFile
        tls.keyFile = pg.sslKeyFile
        tls.crlFile = pg.sslCRLFile
        tls.channelBinding = pg.channelBinding.rawValue
        self.init(user: pg.topologyUser, password: pg.topologyPassword.value, sslMode: pg.sslMode.rawValue,
                  database: pg.database, connectTimeout: .seconds(pg.connectTimeoutSeconds),
                  queryTimeout: .seconds(pg.probeTimeoutSeconds), tls: tls)
        self.allowedNetworks = AllowedNetworks(parsing: configuration.discovery.allowedNetworks)
    }

    /// The same connector for statements with a different client deadline (the server-side
    /// timeouts follow it).
    public func withQueryTimeout(_ timeout: Duration) -> Connector {
        var copy = self
        copy.queryTimeout = timeout
        return copy
    }

    public func conninfo(for key: InstanceKey) -> ConnInfo {
        let timeoutMs = String(Self.milliseconds(queryTimeout))
        var info = ConnInfo([
            .init("host", key.host), .init("port", String(key.port)), .init("dbname", database),
            .init("sslmode", sslMode), .init("application_name", "orchestrator"),
            // GSSAPI encryption negotiation costs a Kerberos context per connection attempt;
            // upstream Orchestrator never used it either. TLS is governed by sslmode.
            .init("gssencmode", "disable"),
            // A silent network must not keep a dead connection looking alive for minutes.
            .init("keepalives", "1"), .init("keepalives_idle", "5"), .init("keepalives_interval", "2"),
            .init("keepalives_count", "2"),
            .init("tcp_user_timeout", timeoutMs),
        ])
        if !user.isEmpty { info["user"] = user }
        if !password.isEmpty { info["password"] = password }
        if !tls.rootCertFile.isEmpty { info["sslrootcert"] = tls.rootCertFile }
        if !tls.certFile.isEmpty { info["sslcert"] = tls.certFile }
        if !tls.keyFile.isEmpty { info["sslkey"] = tls.keyFile }
        if !tls.crlFile.isEmpty { info["sslcrl"] = tls.crlFile }
        if !tls.channelBinding.isEmpty { info["channel_binding"] = tls.channelBinding }
        if pinsSessionSettings { info["options"] = Self.sessionOptions(timeoutMilliseconds: timeoutMs) }
        return info
    }

    /// The `options` startup parameter of every PostgreSQL session of the daemon.
    static func sessionOptions(timeoutMilliseconds ms: String) -> String {
        "-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on -c statement_timeout=\(ms) -c lock_timeout=\(ms)"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Connects to `key`, at `pinned` when given (an address already resolved and checked,
    /// so that a second DNS answer cannot send the connection elsewhere).
    public func connect(_ key: InstanceKey, at pinned: String? = nil) async throws(PGError) -> PGConnection {
        var info = conninfo(for: key)
        if let pinned {
            info["hostaddr"] = pinned
        } else if !key.host.hasPrefix("/") {
            // Resolved here, not by libpq, so the allow-list sees the address actually used.
            info["hostaddr"] = try await address(of: key).text
        }
        return try await PGConnection.connect(info, timeout: connectTimeout)
    }

    /// The address `key` resolves to (as text for libpq's `hostaddr`, and parsed), refused
    /// unless `DiscoveryAllowedNetworks` allows it. No connection is made.
    public func address(of key: InstanceKey) async throws(PGError) -> (text: String, address: NetworkAddress) {
        let resolved = try await resolve(key)
        if let refusal = refusal(of: resolved.address, for: key) { throw refusal }
        return resolved
    }

    /// Name resolution only (bounded by the connect deadline).
    func resolve(_ key: InstanceKey) async throws(PGError) -> (text: String, address: NetworkAddress) {
        let text = HostResolver.needsLookup(key.host)
            ? try await HostResolver.resolve(key.host, endpoint: key.description, deadline: .now + connectTimeout) : key.host
        guard let address = NetworkAddress(text) else {
            throw PGError(.connectionFailed, endpoint: key.description, operation: "connect",
                          message: "\"\(key.host)\" is not a host name or an address")
        }
        return (text, address)
    }

    /// Why the daemon must not connect to `address`, if it must not.
    func refusal(of address: NetworkAddress, for key: InstanceKey) -> PGError? {
        guard !allowedNetworks.allows(address) else { return nil }
        return PGError(.connectionFailed, endpoint: key.description, operation: "connect",
                       message: "\(address) is outside DiscoveryAllowedNetworks \(allowedNetworks.networks); no connection was made")
    }
}

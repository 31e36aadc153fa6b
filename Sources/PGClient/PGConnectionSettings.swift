/// Everything about opening a session but the address: credentials, TLS, deadlines, and the
/// libpq parameters they become. The daemon's `Connector` adds the topology's address rules;
/// a plugin that talks to its own servers (the ProxySQL rewire) uses this directly.
///
/// A session it opens with `pinsSessionSettings` starts with fixed server settings (`options`,
/// which override per-database and per-role settings, so an owner of the database cannot change
/// them for us): `search_path=pg_catalog,pg_temp` (no function or operator of a schema a user
/// can create in is ever resolved, CVE-2018-1058), `standard_conforming_strings=on` (what
/// `SQLQuote` relies on), and `statement_timeout`/`lock_timeout` equal to the client deadline
/// of the statements the connection is for, so a statement the client gave up on does not
/// live on in the server (the client also sends a cancel at its deadline, `PGConnection`).
public struct PGConnectionSettings: Sendable {
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

    /// The libpq parameters of a session with the server at `host:port`.
    public func conninfo(host: String, port: Int) -> ConnInfo {
        let timeoutMs = String(Self.milliseconds(queryTimeout))
        var info = ConnInfo([
            .init("host", host), .init("port", String(port)), .init("dbname", database),
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

    /// A duration as whole milliseconds for a server setting, at least 1 (0 would mean "none").
    public static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// How the daemon connects to every instance: one place that turns a key into connection
/// parameters, with the topology credentials, TLS mode and deadlines from the configuration.
public struct Connector: Sendable {
    public var user: String
    public var password: String
    public var sslMode: String
    public var database: String
    public var connectTimeout: Duration
    public var queryTimeout: Duration
    /// `DiscoveryAllowedNetworks`: checked on the resolved address before every connection.
    public var allowedNetworks = AllowedNetworks()

    public init(user: String, password: String, sslMode: String, database: String = "postgres",
                connectTimeout: Duration = .seconds(2), queryTimeout: Duration = .seconds(2)) {
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.database = database
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
    }

    public init(_ configuration: Configuration) {
        let pg = configuration.postgresql
        self.init(user: pg.topologyUser, password: pg.topologyPassword.value, sslMode: pg.sslMode.rawValue,
                  database: pg.database, connectTimeout: .seconds(pg.connectTimeoutSeconds),
                  queryTimeout: .seconds(pg.probeTimeoutSeconds))
        self.allowedNetworks = AllowedNetworks(parsing: configuration.discovery.allowedNetworks)
    }

    public func conninfo(for key: InstanceKey) -> ConnInfo {
        var info = ConnInfo([
            .init("host", key.host), .init("port", String(key.port)), .init("dbname", database),
            .init("sslmode", sslMode), .init("application_name", "orchestrator"),
            // GSSAPI encryption negotiation costs a Kerberos context per connection attempt;
            // upstream Orchestrator never used it either. TLS is governed by sslmode.
            .init("gssencmode", "disable"),
            // A silent network must not keep a dead connection looking alive for minutes.
            .init("keepalives", "1"), .init("keepalives_idle", "5"), .init("keepalives_interval", "2"),
            .init("keepalives_count", "2"),
            .init("tcp_user_timeout", String(Int(queryTimeout.components.seconds * 1000 + queryTimeout.components.attoseconds / 1_000_000_000_000_000))),
        ])
        if !user.isEmpty { info["user"] = user }
        if !password.isEmpty { info["password"] = password }
        return info
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

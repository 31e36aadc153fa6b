package import PGClient

/// How the daemon connects to every instance: one place that turns a key into connection
/// parameters, with the topology credentials, TLS settings and deadlines from the configuration
/// (`PGConnectionSettings`, whose fields read and write through the connector, e.g.
/// `connector.queryTimeout`), and `DiscoveryAllowedNetworks` checked on the address actually
/// used. Every session pins its server settings (see `PGConnectionSettings`).
@dynamicMemberLookup
package struct Connector: Sendable {
    /// Credentials, TLS, deadlines: everything but the address.
    package var settings: PGConnectionSettings
    /// `DiscoveryAllowedNetworks`: checked on the resolved address before every connection.
    package var allowedNetworks = AllowedNetworks()

    package init(user: String, password: String, sslMode: String, database: String = "postgres",
                connectTimeout: Duration = .seconds(2), queryTimeout: Duration = .seconds(2),
                tls: PGConnectionSettings.TLS = .init()) {
        settings = PGConnectionSettings(user: user, password: password, sslMode: sslMode, database: database,
                                        connectTimeout: connectTimeout, queryTimeout: queryTimeout, tls: tls)
    }

    package init(_ configuration: Configuration) {
        let pg = configuration.postgresql
        var tls = PGConnectionSettings.TLS()
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

    package subscript<Value>(dynamicMember keyPath: WritableKeyPath<PGConnectionSettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    /// The same connector for statements with a different client deadline (the server-side
    /// timeouts follow it).
    package func withQueryTimeout(_ timeout: Duration) -> Connector {
        var copy = self
        copy.settings.queryTimeout = timeout
        return copy
    }

    package func conninfo(for key: InstanceKey) -> ConnInfo {
        settings.conninfo(host: key.host, port: key.port)
    }

    /// `PGConnectionSettings.milliseconds`, where recovery sets a server timeout.
    static func milliseconds(_ duration: Duration) -> Int64 {
        PGConnectionSettings.milliseconds(duration)
    }

    /// Connects to `key`, at `pinned` when given (an address already resolved and checked,
    /// so that a second DNS answer cannot send the connection elsewhere).
    package func connect(_ key: InstanceKey, at pinned: String? = nil) async throws(PGError) -> PGConnection {
        var info = conninfo(for: key)
        if let pinned {
            info["hostaddr"] = pinned
        } else if !key.host.hasPrefix("/") {
            // Resolved here, not by libpq, so the allow-list sees the address actually used.
            info["hostaddr"] = try await address(of: key).text
        }
        return try await PGConnection.connect(info, timeout: settings.connectTimeout)
    }

    /// The address `key` resolves to (as text for libpq's `hostaddr`, and parsed), refused
    /// unless `DiscoveryAllowedNetworks` allows it. No connection is made.
    package func address(of key: InstanceKey) async throws(PGError) -> (text: String, address: NetworkAddress) {
        let resolved = try await resolve(key)
        if let refusal = refusal(of: resolved.address, for: key) { throw refusal }
        return resolved
    }

    /// Name resolution only (bounded by the connect deadline).
    func resolve(_ key: InstanceKey) async throws(PGError) -> (text: String, address: NetworkAddress) {
        let text = HostResolver.needsLookup(key.host)
            ? try await HostResolver.resolve(key.host, endpoint: key.description, deadline: .now + settings.connectTimeout) : key.host
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

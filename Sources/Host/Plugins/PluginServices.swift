public import Foundation
public import Logging

/// What Lua plugins may reach through `orc.*`, as closures so tests can put a recording
/// ProxySQL or a fixed topology in place. `live(...)` is the daemon's wiring.
public struct PluginServices: Sendable {
    /// A ProxySQL admin endpoint to run a statement on, with its credentials.
    public struct ProxySQLTarget: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String
        public var sslMode: String
        public var connectTimeout: Duration

        public init(host: String, port: Int, user: String, password: String, sslMode: String = "prefer",
                    connectTimeout: Duration = .seconds(2)) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.sslMode = sslMode
            self.connectTimeout = connectTimeout
        }
    }

    /// The live topology; nil when the daemon has none (`orc.topology()` is then empty).
    public var topology: @Sendable () async -> TopologySnapshot?
    /// Runs one statement with parameters on an instance, as the topology user.
    public var sql: @Sendable (_ key: InstanceKey, _ sql: String, _ parameters: [String?], _ timeout: Duration) async throws -> PGResult
    /// Runs one statement through the simple-query protocol on a ProxySQL admin endpoint.
    public var proxysql: @Sendable (_ target: ProxySQLTarget, _ sql: String, _ timeout: Duration) async throws -> PGResult
    /// The configuration, for `orc.config` (rendered redacted), the ProxySQL endpoints and
    /// cluster aliases.
    public var configuration: Configuration
    /// The environment executables start from (passwords already removed).
    public var environment: [String: String]
    public var logger: Logger

    public init(
        configuration: Configuration, logger: Logger, environment: [String: String],
        topology: @escaping @Sendable () async -> TopologySnapshot?,
        sql: @escaping @Sendable (InstanceKey, String, [String?], Duration) async throws -> PGResult,
        proxysql: @escaping @Sendable (ProxySQLTarget, String, Duration) async throws -> PGResult
    ) {
        self.configuration = configuration
        self.logger = logger
        self.environment = PluginEnvironment.base(environment, secrets: PluginEnvironment.secrets(of: configuration))
        self.topology = topology
        self.sql = sql
        self.proxysql = proxysql
    }

    /// The daemon's services: SQL through the topology `Connector` (credentials, TLS mode and
    /// connect deadline of the configuration), ProxySQL through libpq's simple query, one
    /// short-lived connection per statement.
    public static func live(configuration: Configuration, topology: TopologyState?, logger: Logger,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> PluginServices {
        let connector = Connector(configuration)
        return PluginServices(
            configuration: configuration, logger: logger, environment: environment,
            topology: { await topology?.snapshot() },
            sql: { key, sql, parameters, timeout in
                // The server gives up on the statement when the plugin does.
                let connection = try await connector.withQueryTimeout(timeout).connect(key)
                do {
                    let result = try await connection.query(sql, parameters, timeout: timeout, resultLimit: sqlResultLimit)
                    await connection.close()
                    return result
                } catch {
                    await connection.close()
                    throw error
                }
            },
            proxysql: { target, sql, timeout in
                let info = ConnInfo([
                    .init("host", target.host), .init("port", String(target.port)), .init("user", target.user),
                    .init("password", target.password), .init("sslmode", target.sslMode),
                    .init("gssencmode", "disable"), .init("application_name", "orchestrator"),
                ])
                let connection = try await PGConnection.connect(info, timeout: target.connectTimeout)
                do {
                    let results = try await connection.simpleQuery(sql, timeout: timeout)
                    await connection.close()
                    return results.last ?? PGResult(columns: [], rows: [], commandTag: "")
                } catch {
                    await connection.close()
                    throw error
                }
            })
    }

    /// Bytes of values `orc.sql` accepts in one result (the Lua state is limited to 64 MiB).
    public static let sqlResultLimit = 8 << 20

    /// The configured ProxySQL endpoint at `host:port`, as a target with its credentials.
    func configuredProxySQL(host: String, port: Int) -> ProxySQLTarget? {
        configuration.proxySQL.first { $0.address == host && $0.port == port }.map {
            ProxySQLTarget(host: $0.address, port: $0.port, user: $0.user, password: $0.password.value,
                           sslMode: $0.sslMode.rawValue, connectTimeout: .seconds($0.connectTimeoutSeconds))
        }
    }
}

import Foundation
package import Logging
package import PGClient

/// What Lua plugins may reach through `orc.*`, as closures so tests can put a recording
/// server or a fixed topology in place, plus the functions compiled-in plugins add.
/// `live(...)` is the daemon's wiring.
package struct PluginServices: Sendable {
    /// The live topology; nil when the daemon has none (`orc.topology()` is then empty).
    package var topology: @Sendable () async -> TopologySnapshot?
    /// Runs one statement with parameters on an instance, as the topology user.
    package var sql: @Sendable (_ key: InstanceKey, _ sql: String, _ parameters: [String?], _ timeout: Duration) async throws -> PGResult
    /// The `orc.*` functions compiled-in plugins add (`LuaAPIFunction`), registered with Host's.
    package var functions: [LuaAPIFunction]
    /// The configuration, for `orc.config` (rendered redacted) and cluster aliases.
    package var configuration: Configuration
    /// The environment executables start from (passwords already removed).
    package var environment: [String: String]
    package var logger: Logger

    package init(
        configuration: Configuration, logger: Logger, environment: [String: String],
        topology: @escaping @Sendable () async -> TopologySnapshot?,
        sql: @escaping @Sendable (InstanceKey, String, [String?], Duration) async throws -> PGResult,
        functions: [LuaAPIFunction] = []
    ) {
        self.configuration = configuration
        self.logger = logger
        self.environment = PluginEnvironment.base(environment, secrets: PluginEnvironment.secrets(of: configuration))
        self.topology = topology
        self.sql = sql
        self.functions = functions
    }

    /// The daemon's services: SQL through the topology `Connector` (credentials, TLS mode and
    /// connect deadline of the configuration), one short-lived connection per statement; and
    /// `functions`, those of the compiled-in plugins.
    package static func live(configuration: Configuration, topology: TopologyState?, logger: Logger,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            functions: [LuaAPIFunction] = []) -> PluginServices {
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
            functions: functions)
    }

    /// Bytes of values `orc.sql` accepts in one result (the Lua state is limited to 64 MiB).
    package static let sqlResultLimit = 8 << 20
}

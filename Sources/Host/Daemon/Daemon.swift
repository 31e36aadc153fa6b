import Foundation
package import HookAPI
package import Logging
package import Prometheus
import Hummingbird
import ServiceLifecycle
import UnixSignals

/// The `orchestrator http` process: opens the backend, then runs every long-lived component
/// in one `ServiceGroup` until SIGTERM or SIGINT, and shuts them down in reverse order.
package struct Daemon: Sendable {
    package let configuration: Configuration
    package let logger: Logger
    /// The registry `/metrics` renders (from `DaemonMetrics.bootstrap()`); nil serves none.
    package let metrics: PrometheusCollectorRegistry?
    /// Compiled-in plugins (`BuiltinPlugins.all(configuration)`), dispatched first.
    package let builtins: [any Plugin]
    /// The `orc.*` functions they add for Lua plugins (`BuiltinPlugins.luaFunctions(configuration)`).
    package let luaFunctions: [LuaAPIFunction]
    /// The config file, re-read for the plugin settings on SIGHUP and
    /// `/api/reload-configuration`; nil when running on the built-in defaults.
    package let configurationPath: String?

    package init(configuration: Configuration, logger: Logger, metrics: PrometheusCollectorRegistry? = nil,
                builtins: [any Plugin] = [], luaFunctions: [LuaAPIFunction] = [], configurationPath: String? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.builtins = builtins
        self.luaFunctions = luaFunctions
        self.configurationPath = configurationPath
    }

    /// Fails before serving anything if the backend cannot be opened (`StoreError`) or the
    /// HTTPS certificate or key cannot be loaded (`APIServerError`).
    package func run() async throws {
        let backend = try Backend.open(path: configuration.backend.sqlite3DataFile)
        logger.info("backend ready", metadata: ["SQLite3DataFile": "\(backend.path)"])
        let logger = self.logger
        let prefix = configuration.http.urlPrefix
        let scheme = configuration.http.useSSL ? "https" : "http"
        let unixSocket = !configuration.http.listenSocket.isEmpty
        let plugins = makePluginHost()
        let topology = TopologyService(configuration: configuration, backend: backend, logger: logger, plugins: plugins)
        plugins.attach(topology: topology.state)
        await plugins.reload()
        let coordinator = RecoveryCoordinator(configuration: configuration, repository: backend, topology: topology,
                                              plugins: plugins, logger: logger, processToken: APIServer.token)
        let api = APIServer(configuration: configuration, backend: backend, topology: topology, coordinator: coordinator,
                            metrics: metrics, logger: logger, plugins: plugins)
        APIServerLimits.prepareDescriptors(configuration.http, logger: logger)
        logProtectedMode(logger)
        let app = try api.makeApplication { address in
            if unixSocket {
                logger.notice("serving API on the Unix socket \(address) (mode 0660; TCP not used), path \(prefix)/api")
            } else {
                logger.notice("serving API at \(scheme)://\(address)\(prefix)/api")
            }
        }
        let group = ServiceGroup(configuration: .init(
            // Shutdown runs in reverse: the API stops first, then analysis, then probing (which
            // saves last).
            services: [topology, ClusterNaming(state: topology.state, plugins: plugins),
                       PluginReloadOnSignal(plugins: plugins, logger: logger), coordinator, app],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.notice("stopped")
    }

    /// Says at start who may change things through the API when nobody has to authenticate.
    private func logProtectedMode(_ logger: Logger) {
        let http = configuration.http
        guard http.authenticationMethod == .none else { return }
        if http.allowRemoteUnauthenticatedWrites {
            let warning = "AuthenticationMethod is \"\" and AllowRemoteUnauthenticatedWrites is true: anyone who can reach "
                + "the API can change the topology and run failovers; set AuthenticationMethod \"basic\" or \"multi\""
            logger.warning("\(warning)")
        } else {
            let notice = "API protected mode: AuthenticationMethod is \"\", so changes are accepted from loopback clients "
                + "and ListenSocket only (reads stay open); to accept them from elsewhere set AuthenticationMethod "
                + "\"basic\" or \"multi\" (recommended), or AllowRemoteUnauthenticatedWrites: true"
            logger.notice("\(notice)")
        }
    }

    /// The plugin host over the daemon's services; a reload re-reads the plugin keys of the
    /// config file (other keys need a restart), checking the file as at start (the same blocks).
    private func makePluginHost() -> PluginHost {
        var reread: (@Sendable () throws -> Configuration.Plugins)?
        if let path = configurationPath {
            let environment = ProcessInfo.processInfo.environment
            let blocks = configuration.blocks
            reread = { () throws -> Configuration.Plugins in
                try Configuration.load(path: path, environment: environment, blocks: blocks.types).configuration.plugins
            }
        }
        return PluginHost(builtins: builtins, settings: configuration.plugins,
                          services: .live(configuration: configuration, topology: nil, logger: logger, functions: luaFunctions),
                          logger: logger, rereadSettings: reread)
    }
}

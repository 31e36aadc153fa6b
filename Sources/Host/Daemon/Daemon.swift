public import Logging
public import Prometheus
import Hummingbird
import ServiceLifecycle
import UnixSignals

/// The `orchestrator http` process: opens the backend, then runs every long-lived component
/// in one `ServiceGroup` until SIGTERM or SIGINT, and shuts them down in reverse order.
public struct Daemon: Sendable {
    public let configuration: Configuration
    public let logger: Logger
    /// The registry `/metrics` renders (from `DaemonMetrics.bootstrap()`); nil serves none.
    public let metrics: PrometheusCollectorRegistry?

    public init(configuration: Configuration, logger: Logger, metrics: PrometheusCollectorRegistry? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// Fails before serving anything if the backend cannot be opened (`StoreError`) or the
    /// HTTPS certificate or key cannot be loaded (`APIServerError`).
    public func run() async throws {
        let backend = try Backend.open(path: configuration.backend.sqlite3DataFile)
        logger.info("backend ready", metadata: ["SQLite3DataFile": "\(backend.path)"])
        let logger = self.logger
        let prefix = configuration.http.urlPrefix
        let scheme = configuration.http.useSSL ? "https" : "http"
        let listenHost = configuration.http.listen.host
        let topology = TopologyService(configuration: configuration, backend: backend, logger: logger)
        let app = try APIServer(configuration: configuration, backend: backend, topology: topology, metrics: metrics, logger: logger).makeApplication { port in
            let host = listenHost.isEmpty ? "127.0.0.1" : listenHost
            logger.notice("serving API at \(scheme)://\(host):\(port)\(prefix)/api")
        }
        let group = ServiceGroup(configuration: .init(
            // Shutdown runs in reverse: the API stops first, then probing (which saves last).
            services: [topology, app],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.notice("stopped")
    }
}

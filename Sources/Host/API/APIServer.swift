import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Prometheus

/// Builds the HTTP application: route collections under `URLPrefix`, behind the error
/// middleware, each route with its access class, over HTTP or HTTPS, on TCP or a Unix socket,
/// with the connection limits of `APIServerLimits`. Handlers stay thin; they read state and
/// ask the owning components to act.
struct APIServer {
    let configuration: Configuration
    let backend: Backend
    let topology: TopologyService
    let coordinator: RecoveryCoordinator
    let metrics: PrometheusCollectorRegistry?
    let logger: Logger
    /// Serves `/api/plugins` and `/api/reload-configuration` when present.
    var plugins: PluginHost?

    /// `URLPrefix` without slashes at either end ("" when unset).
    private var prefix: String {
        configuration.http.urlPrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    var access: APIAccessGuard { APIAccessGuard(http: configuration.http, throttle: Self.throttle, logger: logger) }

    /// Every route collection of the API. A new one is one more line here.
    var collections: [any APIRouteCollection] {
        let health = HealthRoutes(backend: backend, hostname: Self.hostname, token: Self.token, access: access)
        return [
            health,
            TopologyRoutes(topology: topology, configuration: configuration),
            ClusterRoutes(topology: topology, configuration: configuration),
            V2Routes(topology: topology, configuration: configuration, health: health),
            OpenAPIDocument.Routes(serverURL: "/\(prefix)"),
            RecoveryRoutes(coordinator: coordinator, topology: topology, backend: backend, configuration: configuration),
            SwitchoverRoutes(coordinator: coordinator, topology: topology, configuration: configuration),
            AuditRoutes(backend: backend),
        ] + (plugins.map { [PluginRoutes(plugins: $0)] } ?? [])
    }

    /// The router; `table` receives every route's access class (tests read it).
    func makeRouter(table: APIRouteTable = APIRouteTable()) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        let access = self.access
        // Middlewares apply to the routes added after them, and to requests no route matches.
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: APIUnmatchedRouteMiddleware(access: access))
        let audit = APIAudit(configuration: configuration.audit, backend: backend, logger: logger)
        // Routes are registered relative to URLPrefix, as the OpenAPI document lists them.
        let root = APIRoutes(group: prefix.isEmpty ? router.group() : router.group(RouterPath(prefix)), path: prefix.isEmpty ? "" : "/\(prefix)",
                             documentPath: "", access: access, audit: audit, table: table)
        let api = root.group("api")
        for collection in collections { collection.register(on: api) }
        registerStatusEndpoint(on: root, table: table)
        if let metrics, configuration.http.prometheusEnabled {
            root.read("metrics", Self.metricsOperation) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        return router
    }

    static let metricsOperation = APIOperation("metrics", .health, "Prometheus metrics (PrometheusEnabled)",
                                               ok: .text("Prometheus text format"))

    /// `StatusEndpoint` (under `URLPrefix`), an open probe answering as `/api/status`, unless
    /// it names a route that is served already (the default `/api/status` does).
    private func registerStatusEndpoint(on root: APIRoutes, table: APIRouteTable) {
        let endpoint = configuration.http.statusEndpoint.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !endpoint.isEmpty, table.all["GET \(RouterPath("\(root.path)/\(endpoint)").description)"] == nil else { return }
        let health = HealthRoutes(backend: backend, hostname: Self.hostname, token: Self.token, access: access)
        root.open(endpoint, HealthRoutes.statusEndpointOperation) { request, context in
            await health.health(full: health.access.mayRead(request, context))
        }
    }

    /// Throws `APIServerError` when `UseSSL` is set and the certificate or key cannot be loaded.
    /// `onRunning` gets where the API listens: `host:port`, or the socket path.
    func makeApplication(onRunning: @escaping @Sendable (String) async -> Void) throws -> some ApplicationProtocol {
        let http = configuration.http
        let listen = http.listen
        let socketPath = http.listenSocket
        let address: BindAddress = socketPath.isEmpty
            ? .hostname(listen.host.isEmpty ? "0.0.0.0" : listen.host, port: listen.port)
            : .unixDomainSocket(path: socketPath)
        let logger = self.logger
        return Application(
            router: makeRouter(),
            server: try serverBuilder(),
            configuration: .init(address: address, serverName: "orchestrator/\(OrchestratorVersion.current)",
                                 availableConnectionsDelegate: MaximumAvailableConnections(http.maxConnections, logger: logger)),
            onServerRunning: { channel in
                guard !socketPath.isEmpty else {
                    let host = listen.host.isEmpty ? "0.0.0.0" : listen.host
                    await onRunning("\(host):\(channel.localAddress?.port ?? listen.port)")
                    return
                }
                // Bound with the umask's mode, which lets nobody but the owner connect (connect
                // needs write permission); now the group too.
                if chmod(socketPath, 0o660) != 0 {
                    logger.error("ListenSocket \(socketPath): cannot set mode 0660: \(String(cString: strerror(errno)))")
                }
                await onRunning(socketPath)
            },
            logger: logger
        )
    }

    private func serverBuilder() throws -> HTTPServerBuilder {
        let http = configuration.http
        let plain = HTTPServerBuilder.http1(configuration: APIServerLimits.channelConfiguration(http))
        guard http.useSSL else { return plain }
        return try .tls(plain, tlsConfiguration: try APITLS.serverConfiguration(http))
    }

    static let hostname = ProcessInfo.processInfo.hostName
    /// Identifies this daemon process in API answers (upstream's node token).
    static let token = UUID().uuidString.lowercased()
    /// One per process: the backoff outlives a router rebuild.
    static let throttle = APIAuthThrottle()
}

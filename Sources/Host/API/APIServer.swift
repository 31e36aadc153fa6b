import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Prometheus

/// Builds the HTTP application: route collections under `URLPrefix`, behind the error and
/// access middlewares, over HTTP or HTTPS. Handlers stay thin; they read state and ask the
/// owning components to act.
struct APIServer {
    let configuration: Configuration
    let backend: Backend
    let topology: TopologyService
    let coordinator: RecoveryCoordinator
    let metrics: PrometheusCollectorRegistry?
    let logger: Logger
    /// Serves `/api/plugins` and `/api/reload-configuration` when present.
    var plugins: PluginHost?

    /// `/api`, or `/<URLPrefix>/api`, without slashes at either end.
    var apiPath: String {
        let prefix = configuration.http.urlPrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return prefix.isEmpty ? "api" : "\(prefix)/api"
    }

    /// Every route collection of the API. A new one is one more line here.
    var collections: [any APIRouteCollection] {
        let health = HealthRoutes(backend: backend, hostname: Self.hostname, token: Self.token)
        return [
            health,
            TopologyRoutes(topology: topology, configuration: configuration),
            ClusterRoutes(topology: topology, configuration: configuration),
            V2Routes(topology: topology, configuration: configuration, health: health),
            OpenAPIDocument.Routes(),
            RecoveryRoutes(coordinator: coordinator, topology: topology, backend: backend, configuration: configuration),
            SwitchoverRoutes(coordinator: coordinator, topology: topology, configuration: configuration),
        ] + (plugins.map { [PluginRoutes(plugins: $0)] } ?? [])
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // Middlewares apply to the routes added after them, and to requests no route matches.
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: APIAccessMiddleware(http: configuration.http, apiRoot: "/\(apiPath)/"))
        let api = router.group(RouterPath(apiPath))
        for collection in collections { collection.register(on: api) }
        if let metrics, configuration.http.prometheusEnabled {
            let prefix = configuration.http.urlPrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            router.get(RouterPath(prefix.isEmpty ? "metrics" : "\(prefix)/metrics")) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        return router
    }

    /// Throws `APIServerError` when `UseSSL` is set and the certificate or key cannot be loaded.
    func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        let listen = configuration.http.listen
        return Application(
            router: makeRouter(),
            server: try serverBuilder(),
            configuration: .init(address: .hostname(listen.host.isEmpty ? "0.0.0.0" : listen.host, port: listen.port),
                                 serverName: "orchestrator/\(OrchestratorVersion.current)"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }

    private func serverBuilder() throws -> HTTPServerBuilder {
        let http = configuration.http
        guard http.useSSL else { return .http1() }
        return try .tls(.http1(), tlsConfiguration: try APITLS.serverConfiguration(http))
    }

    static let hostname = ProcessInfo.processInfo.hostName
    /// Identifies this daemon process in API answers (upstream's node token).
    static let token = UUID().uuidString.lowercased()
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Builds the HTTP application: routes under `URLPrefix`, answered from the daemon's state.
/// Handlers stay thin; they read state and ask the owning components to act.
struct APIServer {
    let configuration: Configuration
    let backend: Backend
    let topology: TopologyService
    let coordinator: RecoveryCoordinator
    let metrics: PrometheusCollectorRegistry?
    let logger: Logger

    func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let prefix = configuration.http.urlPrefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let api = router.group(RouterPath(prefix.isEmpty ? "api" : "\(prefix)/api"))
        HealthRoutes(backend: backend, hostname: Self.hostname, token: Self.token).register(on: api)
        TopologyRoutes(topology: topology, backend: backend, configuration: configuration).register(on: api)
        RecoveryRoutes(coordinator: coordinator, topology: topology, backend: backend, configuration: configuration).register(on: api)
        SwitchoverRoutes(coordinator: coordinator, topology: topology, configuration: configuration).register(on: api)
        if let metrics, configuration.http.prometheusEnabled {
            router.get(RouterPath(prefix.isEmpty ? "metrics" : "\(prefix)/metrics")) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        let listen = configuration.http.listen
        return Application(
            router: router,
            configuration: .init(address: .hostname(listen.host.isEmpty ? "0.0.0.0" : listen.host, port: listen.port),
                                 serverName: "orchestrator/\(OrchestratorVersion.current)"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }

    static let hostname = ProcessInfo.processInfo.hostName
    /// Identifies this daemon process in API answers (upstream's node token).
    static let token = UUID().uuidString.lowercased()
}

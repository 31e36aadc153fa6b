import Foundation
import Logging
import Prometheus

/// `docs/openapi.json`: the OpenAPI document of a daemon with every route on (the default
/// configuration, plugins and metrics included), from the same registration a running daemon
/// serves its `/api/openapi.json` from. The routes are registered by a server built on an
/// empty backend in a temporary directory, deleted afterwards; nothing is started and nothing
/// listens. A test fails when `docs/openapi.json` differs.
package enum OpenAPIReference {
    /// The command that regenerates `docs/openapi.json`.
    package static let regenerateCommand = "swift run orchestrator openapi > docs/openapi.json"

    package static func json() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = Configuration()
        let logger = Logger(label: "openapi", factory: { _ in SwiftLogNoOpLogHandler() })
        let backend = try Backend.open(path: directory.appendingPathComponent("orchestrator.sqlite3").path)
        let topology = TopologyService(configuration: configuration, backend: backend, logger: logger)
        let coordinator = RecoveryCoordinator(configuration: configuration, repository: backend, topology: topology,
                                              logger: logger, processToken: "openapi")
        let plugins = PluginHost(settings: configuration.plugins,
                                 services: .live(configuration: configuration, topology: nil, logger: logger), logger: logger)
        let table = APIRouteTable()
        _ = APIServer(configuration: configuration, backend: backend, topology: topology, coordinator: coordinator,
                      metrics: PrometheusCollectorRegistry(), logger: logger, plugins: plugins).makeRouter(table: table)
        return String(decoding: try OpenAPIDocument(routes: table.routes).json(), as: UTF8.self)
    }
}

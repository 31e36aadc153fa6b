import Foundation
import Hummingbird
import Logging
import Prometheus
import Testing
@testable import Host

@Suite("OpenAPI document and route table")
struct OpenAPITests {
    static let docsURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.json")

    /// A server with every optional route on (metrics), as `orchestrator http` builds it.
    static func router(_ configure: (inout Configuration) -> Void = { _ in }) throws -> Router<BasicRequestContext> {
        var configuration = Configuration()
        configure(&configuration)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)").path
        let backend = try Backend.open(path: "\(dir)/orchestrator.sqlite3")
        let logger = Logger(label: "test")
        let topology = TopologyService(configuration: configuration, backend: backend, logger: logger)
        let coordinator = RecoveryCoordinator(configuration: configuration, backend: backend, topology: topology,
                                              logger: logger, processToken: "test")
        let plugins = PluginHost(settings: configuration.plugins,
                                 services: .live(configuration: configuration, topology: nil, logger: logger), logger: logger)
        return APIServer(configuration: configuration, backend: backend, topology: topology, coordinator: coordinator,
                         metrics: PrometheusCollectorRegistry(), logger: logger, plugins: plugins).makeRouter()
    }

    /// `GET /api/instance/{host}/{port}` for each route the router serves.
    static func registeredRoutes(_ router: Router<BasicRequestContext>) -> Set<String> {
        Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    static func documentedRoutes(_ text: String) throws -> Set<String> {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    @Test("every registered route is documented, and every documented route is registered")
    func routesMatchDocument() throws {
        let registered = Self.registeredRoutes(try Self.router())
        let documented = try Self.documentedRoutes(OpenAPIDocument.text)
        #expect(registered.subtracting(documented).isEmpty, "registered but not in the OpenAPI document: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
        #expect(registered.count >= 26)
    }

    @Test("docs/openapi.json is the document the daemon serves (regenerate with scripts/openapi.py)")
    func docsCopyInSync() throws {
        let onDisk = try String(contentsOf: Self.docsURL, encoding: .utf8)
        #expect(onDisk == OpenAPIDocument.text, "docs/openapi.json differs; run python3 scripts/openapi.py")
    }

    @Test("URLPrefix moves every route under the prefix")
    func prefix() throws {
        let routes = Self.registeredRoutes(try Self.router { $0.http.urlPrefix = "/orc" })
        #expect(routes.contains("GET /orc/api/clusters"))
        #expect(routes.contains("GET /orc/metrics"))
        #expect(!routes.contains { !$0.hasPrefix("GET /orc/") })
    }

    @Test("every registered API route is in the access table; writes are the state-changing actions")
    func accessTable() throws {
        for route in try Self.router().routes {
            let path = route.path.description
            guard path.hasPrefix("/api/") else { continue }
            let action = APIAccess.action(ofRelativePath: path.dropFirst("/api/".count))
            #expect(APIAccess.byAction[action] != nil, "\(path): action \(action) is not classified in APIAccess.byAction")
        }
        for write in ["discover", "forget", "forget-cluster", "recover", "graceful-master-takeover", "graceful-master-takeover-auto",
                      "register-candidate", "ack-recovery", "ack-all-recoveries", "begin-downtime", "end-downtime",
                      "disable-global-recoveries", "enable-global-recoveries"] {
            #expect(APIAccess.of(relativePath: "\(write)/x/1") == .write, "\(write)")
        }
        for read in ["clusters", "instance/h/1", "v2/clusters/x", "replication-analysis", "audit-recovery", "check-global-recoveries"] {
            #expect(APIAccess.of(relativePath: Substring(read)) == .read, "\(read)")
        }
        #expect(APIAccess.of(relativePath: "health") == .open)
        #expect(APIAccess.of(relativePath: "no-such-action") == .write)
    }
}

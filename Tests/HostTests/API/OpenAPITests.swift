import Foundation
import Hummingbird
import Logging
import Prometheus
import Testing
@testable import Host

@Suite("OpenAPI document and route table")
struct OpenAPITests {
    static let docsURL = repositoryRoot.appendingPathComponent("docs/openapi.json")

    /// A server with every optional route on (metrics), as `orchestrator http` builds it.
    static func router(table: APIRouteTable = APIRouteTable(), _ configure: (inout Configuration) -> Void = { _ in }) throws -> Router<APIRequestContext> {
        var configuration = Configuration()
        configure(&configuration)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)").path
        let backend = try Backend.open(path: "\(dir)/orchestrator.sqlite3")
        let logger = Logger(label: "test")
        let topology = TopologyService(configuration: configuration, backend: backend, logger: logger)
        let coordinator = RecoveryCoordinator(configuration: configuration, repository: backend, topology: topology,
                                              logger: logger, processToken: "test")
        let plugins = PluginHost(settings: configuration.plugins,
                                 services: .live(configuration: configuration, topology: nil, logger: logger), logger: logger)
        return APIServer(configuration: configuration, backend: backend, topology: topology, coordinator: coordinator,
                         metrics: PrometheusCollectorRegistry(), logger: logger, plugins: plugins).makeRouter(table: table)
    }

    /// `GET /api/instance/{host}/{port}` for each route the router serves.
    static func registeredRoutes(_ router: Router<APIRequestContext>) -> Set<String> {
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
        #expect(!routes.contains { !$0.hasPrefix("GET /orc/") && !$0.hasPrefix("POST /orc/") })
    }

    @Test("every route carries its access class; writes answer GET and POST, reads and probes GET only; the document says the same")
    func accessTable() throws {
        let table = APIRouteTable()
        let router = try Self.router(table: table)
        let access = table.all
        let registered = Self.registeredRoutes(router)
        #expect(Set(access.keys) == registered, "routes registered without APIRoutes: \(registered.subtracting(access.keys).sorted())")
        for (route, kind) in access {
            let path = route.split(separator: " ", maxSplits: 1)[1]
            if route.hasPrefix("POST ") { #expect(kind == .write, "\(route) is POST but not a write") }
            if kind == .write { #expect(access["GET \(path)"] == .write && access["POST \(path)"] == .write, "\(route)") }
        }
        func kinds(_ action: String) -> Set<APIAccess> {
            Set(access.filter { $0.key.hasPrefix("GET /api/\(action)/") || $0.key == "GET /api/\(action)" }.values)
        }
        for write in ["discover", "forget", "forget-cluster", "recover", "graceful-master-takeover", "graceful-master-takeover-auto",
                      "register-candidate", "ack-recovery", "ack-all-recoveries", "begin-downtime", "end-downtime",
                      "disable-global-recoveries", "enable-global-recoveries", "relocate", "move-below", "reload-configuration"] {
            #expect(kinds(write) == [.write], "\(write)")
        }
        for read in ["clusters", "instance", "v2/clusters", "replication-analysis", "audit-recovery", "check-global-recoveries", "audit", "plugins"] {
            #expect(kinds(read) == [.read], "\(read)")
        }
        for open in ["health", "status", "leader-check", "v2/status"] { #expect(kinds(open) == [.open], "\(open)") }
        #expect(access["GET /metrics"] == .read)

        // The document's x-access is the server's (the fuzzer and clients read it).
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.text.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                let key = "\(method.uppercased()) \(path)"
                #expect(operation["x-access"] as? String == access[key]?.rawValue, "\(key): document \(operation["x-access"] ?? "none"), server \(access[key].map { "\($0)" } ?? "none")")
            }
        }
    }

    @Test("URLPrefix: a prefix the router would rewrite is refused at load; a plain one keeps every write a write")
    func urlPrefixMismatchFailsClosed() throws {
        for bad in ["/a//b", "/a/:x", "/a/{x}", "/a/*", "/a/../b", "/a b"] {
            let error = configError(#"{"URLPrefix": "\#(bad)"}"#)
            #expect(error?.description.contains("URLPrefix") == true, "\(bad): \(String(describing: error))")
        }
        #expect((try? parseConfig(#"{"URLPrefix": "/ops/orc/"}"#))?.configuration.http.urlPrefix == "/ops/orc")
        let table = APIRouteTable()
        _ = try Self.router(table: table) { $0.http.urlPrefix = "/ops/orc" }
        #expect(table.all["GET /ops/orc/api/forget-cluster/{hint}"] == .write)
        #expect(table.all["POST /ops/orc/api/recover/{host}/{port}"] == .write)
        #expect(table.all["GET /ops/orc/api/clusters"] == .read)
        #expect(table.all.keys.allSatisfy { $0.contains(" /ops/orc/") })
    }
}

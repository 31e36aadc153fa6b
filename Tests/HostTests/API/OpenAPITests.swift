import Foundation
import Hummingbird
import Logging
import PGTestKit
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

    /// The document the router's `/api/openapi.json` serves, parsed.
    static func document(_ table: APIRouteTable, serverURL: String = "/") throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument(routes: table.routes, serverURL: serverURL).json()) as? [String: Any])
    }

    static func documentedRoutes(_ document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    @Test("every registered route is documented, and every documented route is registered")
    func routesMatchDocument() throws {
        let table = APIRouteTable()
        let registered = Self.registeredRoutes(try Self.router(table: table))
        let documented = try Self.documentedRoutes(try Self.document(table))
        #expect(registered.subtracting(documented).isEmpty, "registered but not in the OpenAPI document: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
        #expect(registered.count >= 26)
    }

    @Test("docs/openapi.json is the document the code produces (regenerate with `swift run orchestrator openapi > docs/openapi.json`)")
    func docsCopyInSync() throws {
        let expected = try OpenAPIReference.json()
        if ProcessInfo.processInfo.environment["REGENERATE_OPENAPI_DOCS"] == "1" {
            try expected.write(to: Self.docsURL, atomically: true, encoding: .utf8)
        }
        let onDisk = (try? String(contentsOf: Self.docsURL, encoding: .utf8)) ?? "<missing: \(Self.docsURL.path)>"
        if onDisk != expected {
            let diskLines = onDisk.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(diskLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(diskLines.count, expectedLines.count)
            func line(_ lines: [Substring], _ index: Int) -> String { index < lines.count ? String(lines[index]) : "<end of file>" }
            Issue.record("""
                docs/openapi.json is out of date with the operations declared beside the routes; regenerate it with \
                `\(OpenAPIReference.regenerateCommand)` (or `REGENERATE_OPENAPI_DOCS=1 swift test --filter OpenAPITests`).
                First difference at line \(first + 1):
                  docs/openapi.json: \(line(diskLines, first))
                  generated:         \(line(expectedLines, first))
                """)
        }
        // What `orchestrator http` serves with the default configuration is the same document.
        let served = try OpenAPIDocument(routes: try Self.defaultTable().routes).json()
        #expect(String(decoding: served, as: UTF8.self) == expected)
    }

    @Test("each operation's path parameters are its route's captures, in order; operationIds are unique; every component is used")
    func operationsAreWellFormed() throws {
        let text = try OpenAPIReference.json()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        var ids: [String] = []
        for (path, operations) in paths {
            let captures = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, operation) in operations {
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                let inPath = parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String }
                #expect(inPath == captures, "\(method.uppercased()) \(path): path parameters \(inPath), captures \(captures)")
                #expect(parameters.allSatisfy { $0["in"] as? String != "path" || $0["required"] as? Bool == true }, "\(path)")
                ids.append(operation["operationId"] as? String ?? "")
            }
        }
        #expect(Set(ids).count == ids.count, "duplicate operationIds: \(Dictionary(grouping: ids) { $0 }.filter { $1.count > 1 }.keys.sorted())")
        for component in APIComponent.allCases {
            #expect(text.contains("\"#/components/schemas/\(component.rawValue)\""), "\(component.rawValue) is never referenced")
        }
    }

    @Test("`orchestrator openapi` prints docs/openapi.json; a daemon serves the same document at /api/openapi.json")
    func commandAndServedDocument() async throws {
        let expected = try OpenAPIReference.json()
        let command = try await OrchestratorProcess.run(["openapi"])
        #expect(command.termination == .exited(0))
        #expect(command.output == expected, "orchestrator openapi printed something else")
        try await withAPIDaemon(#""InstancePollSeconds": 1"#) { api, _, _ in
            let answer = try await OrchestratorProcess.request("\(api)/openapi.json", method: "GET")
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self) == expected)
            #expect(try await OrchestratorProcess.request("\(api)/openapi.json", method: "GET").body == answer.body)
        }
    }

    @Test("URLPrefix moves every route under the prefix; the document's paths stay relative to it")
    func prefix() throws {
        let table = APIRouteTable()
        let routes = Self.registeredRoutes(try Self.router(table: table) { $0.http.urlPrefix = "/orc" })
        #expect(routes.contains("GET /orc/api/clusters"))
        #expect(routes.contains("GET /orc/metrics"))
        #expect(!routes.contains { !$0.hasPrefix("GET /orc/") && !$0.hasPrefix("POST /orc/") })
        let document = try Self.document(table, serverURL: "/orc")
        #expect(try Self.documentedRoutes(document) == Self.documentedRoutes(try Self.document(Self.defaultTable())))
        #expect((document["servers"] as? [[String: String]])?.first?["url"] == "/orc")
    }

    @Test("a StatusEndpoint of its own is registered as an open probe and documented")
    func statusEndpoint() throws {
        let table = APIRouteTable()
        _ = try Self.router(table: table) { $0.http.statusEndpoint = "/healthz" }
        #expect(table.all["GET /healthz"] == .open)
        let paths = try #require(try Self.document(table)["paths"] as? [String: [String: [String: Any]]])
        #expect(paths["/healthz"]?["get"]?["x-access"] as? String == "open")
        #expect(try Self.documentedRoutes(try Self.document(Self.defaultTable())).contains("GET /healthz") == false)
    }

    static func defaultTable() throws -> APIRouteTable {
        let table = APIRouteTable()
        _ = try router(table: table)
        return table
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
        let document = try Self.document(table)
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

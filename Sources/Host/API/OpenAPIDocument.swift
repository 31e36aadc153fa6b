import Foundation
import HTTPTypes

/// The OpenAPI 3 description of the routes a router serves, put together from what `APIRoutes`
/// recorded for each (`APIRouteTable`): the operation declared beside the route, its access
/// class as `x-access`, a write's POST twin, and the error answers that follow from the
/// registration (`APIResponse.errors`). Served at `/api/openapi.json` (`OpenAPIDocument.Routes`);
/// `docs/openapi.json` is the document of a daemon with every route on (`OpenAPIReference`).
struct OpenAPIDocument: Encodable {
    struct Info: Encodable {
        var title: String
        var version: String
        var description: String
    }

    struct Server: Encodable {
        var url: String
    }

    struct Components: Encodable {
        var securitySchemes: [String: [String: String]]
        var schemas: [String: APISchema]
    }

    /// An operation as documented: the declared one with what its registration adds.
    struct Operation: Encodable {
        var summary: String
        var description: String?
        var tags: [APIOperation.Tag]
        var operationId: String
        var access: String
        var parameters: [APIParameter]?
        var responses: [String: APIResponse]

        enum CodingKeys: String, CodingKey {
            case summary, description, tags, operationId, access = "x-access", parameters, responses
        }
    }

    let openapi = "3.0.3"
    let info = Info(title: "orchestrator for PostgreSQL", version: "1", description: OpenAPIDocument.overview)
    let servers: [Server]
    let components = Components(securitySchemes: ["basic": ["type": "http", "scheme": "basic"]], schemas: APIComponent.schemas)
    /// Without credentials (AuthenticationMethod "") or with HTTP basic ones.
    let security: [[String: [String]]] = [[:], ["basic": []]]
    /// Path, then lowercased method.
    let paths: [String: [String: Operation]]

    /// `serverURL`: where the paths start, "/" or URLPrefix; the paths are relative to it.
    init(routes: [APIRoute], serverURL: String = "/") {
        servers = [Server(url: serverURL)]
        var paths: [String: [String: Operation]] = [:]
        for route in routes {
            paths[route.documentPath, default: [:]][route.method.rawValue.lowercased()] = Self.operation(route)
        }
        self.paths = paths
    }

    private static func operation(_ route: APIRoute) -> Operation {
        let operation = route.operation
        var responses = APIResponse.errors(route.access, route.version).merging(operation.errors) { $1 }
        responses[200] = operation.ok
        return Operation(summary: operation.summary, description: operation.description, tags: [operation.tag],
                         // operationIds are unique across the document, so a write's POST gets its own.
                         operationId: route.method == .post ? "\(operation.id)Post" : operation.id,
                         access: route.access.rawValue, parameters: operation.parameters.isEmpty ? nil : operation.parameters,
                         responses: Dictionary(uniqueKeysWithValues: responses.map { (String($0.key), $0.value) }))
    }

    /// Indented, keys sorted, with a final newline: the same routes give the same bytes, so
    /// `docs/openapi.json` can be compared with what the code produces.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    static let overview = "Orchestrator-compatible API. v1 reads answer raw JSON, v1 actions the {Code,Message,Details} envelope "
        + "(ERROR with HTTP 500 or a 4xx); v2 answers {status,data,error} with real status codes. Paths are relative to URLPrefix. "
        + "Reads (x-access read) and probes (x-access open, no credentials) answer GET; writes (x-access write) answer GET, as "
        + "upstream's clients send them, and POST, and are audited (/api/audit). Under AuthenticationMethod \"\" writes are "
        + "accepted from local clients only unless AllowRemoteUnauthenticatedWrites; a write a browser marks cross-site is refused."
}

import HTTPTypes
import Synchronization

/// One registered route, as `APIRoutes` records it.
struct APIRoute: Sendable {
    let method: HTTPRequest.Method
    /// As the router spells it, under URLPrefix: `/orc/api/instance/{host}/{port}`.
    let path: String
    /// As the OpenAPI document spells it, relative to URLPrefix: `/api/instance/{host}/{port}`.
    let documentPath: String
    let access: APIAccess
    let operation: APIOperation

    var version: APIVersion { APIVersion(documentPath: documentPath) }
}

/// Every registered route, keyed `"GET /api/clusters"` as the router lists its routes. The
/// access tests and the OpenAPI document both read it, so the document describes exactly
/// what the router serves, with the access classes the routes check.
final class APIRouteTable: Sendable {
    private let entries = Mutex<[String: APIRoute]>([:])

    func add(_ route: APIRoute) {
        entries.withLock { $0["\(route.method.rawValue) \(route.path)"] = route }
    }

    /// Each route's access class.
    var all: [String: APIAccess] { entries.withLock { $0.mapValues(\.access) } }

    var routes: [APIRoute] { entries.withLock { Array($0.values) } }
}

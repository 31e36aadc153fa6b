import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A group of related API routes. `APIServer` registers every collection under `/api` (under
/// `URLPrefix`); adding a collection is one line there, plus its entries in `OpenAPIDocument`.
protocol APIRouteCollection: Sendable {
    func register(on api: APIRoutes)
}

/// Registers routes with their access class attached: the check runs in the route's own
/// responder, so no request path is ever matched against a table to find it (a URLPrefix the
/// router normalises differently cannot turn a write into a read). Writes answer GET, as
/// upstream's clients send them, and POST; each is audited.
struct APIRoutes {
    let group: RouterGroup<APIRequestContext>
    /// The group's path as the router spells it ("/api", "/orc/api", ""), for `table`.
    let path: String
    let access: APIAccessGuard
    let audit: APIAudit?
    let table: APIRouteTable

    func group(_ subpath: String) -> APIRoutes {
        APIRoutes(group: group.group(RouterPath(subpath)), path: "\(path)/\(subpath)", access: access, audit: audit, table: table)
    }

    func open<Output: ResponseGenerator>(_ route: String, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, .open, [.get], handler)
    }

    func read<Output: ResponseGenerator>(_ route: String, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, .read, [.get], handler)
    }

    func write<Output: ResponseGenerator>(_ route: String, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, .write, [.get, .post], handler)
    }

    private func add<Output: ResponseGenerator>(_ route: String, _ accessClass: APIAccess, _ methods: [HTTPRequest.Method],
                                                _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        let access = self.access
        let audit = accessClass == .write ? self.audit : nil
        let type = String(route.split(separator: "/").first ?? "")
        for method in methods {
            table.add(method: method, path: RouterPath("\(path)/\(route)").description, access: accessClass)
            group.on(RouterPath(route), method: method) { request, context -> Response in
                let admitted: APIRequestContext
                do {
                    admitted = try access.admit(accessClass, request, context)
                } catch let error as APIError {
                    audit?.refused(Self.entry(type, request, context, status: error.status))
                    throw error
                }
                guard let audit else { return try await handler(request, admitted).response(from: request, context: admitted) }
                do {
                    let response = try await handler(request, admitted).response(from: request, context: admitted)
                    await audit.record(Self.entry(type, request, admitted, status: response.status))
                    return response
                } catch {
                    let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
                    await audit.record(Self.entry(type, request, admitted, status: status))
                    throw error
                }
            }
        }
    }

    private static func entry(_ type: String, _ request: Request, _ context: APIRequestContext, status: HTTPResponse.Status) -> AuditEntry {
        let instance = (try? APIParameters.instanceKey(context)) ?? (try? APIParameters.instanceKey(context, host: "a", port: "b"))
        let user = context.user.isEmpty ? "-" : context.user
        let path = String(request.uri.path.prefix(1000))
        return AuditEntry(at: Date(), type: type, instance: instance, user: context.user, source: context.clientDescription,
                          method: request.method.rawValue, path: path, status: Int(status.code),
                          message: "\(request.method.rawValue) \(path) by \(user) from \(context.clientDescription): \(status.code) \(status.reasonPhrase)")
    }
}

/// Every registered route's access class, keyed `"GET /api/clusters"` as the router lists its
/// routes: what tests and the OpenAPI document are checked against.
final class APIRouteTable: Sendable {
    private let entries = Mutex<[String: APIAccess]>([:])

    func add(method: HTTPRequest.Method, path: String, access: APIAccess) {
        entries.withLock { $0["\(method.rawValue) \(path)"] = access }
    }

    var all: [String: APIAccess] { entries.withLock { $0 } }
}

import Foundation
import HTTPTypes
import Hummingbird

/// A group of related API routes, each registered with its OpenAPI operation. `APIServer`
/// registers every collection under `/api` (under `URLPrefix`); adding a collection is one
/// line there.
protocol APIRouteCollection: Sendable {
    func register(on api: APIRoutes)
}

/// Registers routes with their access class attached: the check runs in the route's own
/// responder, so no request path is ever matched against a table to find it (a URLPrefix the
/// router normalises differently cannot turn a write into a read). Writes answer GET, as
/// upstream's clients send them, and POST; each is audited. Each route is recorded in `table`
/// with its class and its operation, which is where the OpenAPI document comes from.
struct APIRoutes {
    let group: RouterGroup<APIRequestContext>
    /// The group's path as the router spells it ("/api", "/orc/api", ""), for `table`.
    let path: String
    /// The group's path relative to URLPrefix ("/api", ""), as the document spells it.
    let documentPath: String
    let access: APIAccessGuard
    let audit: APIAudit?
    let table: APIRouteTable

    func group(_ subpath: String) -> APIRoutes {
        APIRoutes(group: group.group(RouterPath(subpath)), path: "\(path)/\(subpath)", documentPath: "\(documentPath)/\(subpath)",
                  access: access, audit: audit, table: table)
    }

    func open<Output: ResponseGenerator>(_ route: String, _ operation: APIOperation,
                                         _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, operation, .open, [.get], handler)
    }

    func read<Output: ResponseGenerator>(_ route: String, _ operation: APIOperation,
                                         _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, operation, .read, [.get], handler)
    }

    func write<Output: ResponseGenerator>(_ route: String, _ operation: APIOperation,
                                          _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        add(route, operation, .write, [.get, .post], handler)
    }

    private func add<Output: ResponseGenerator>(_ route: String, _ operation: APIOperation, _ accessClass: APIAccess,
                                                _ methods: [HTTPRequest.Method],
                                                _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Output) {
        let access = self.access
        let audit = accessClass == .write ? self.audit : nil
        let type = String(route.split(separator: "/").first ?? "")
        for method in methods {
            table.add(APIRoute(method: method, path: RouterPath("\(path)/\(route)").description,
                               documentPath: RouterPath("\(documentPath)/\(route)").description, access: accessClass, operation: operation))
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

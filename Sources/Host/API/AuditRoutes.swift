import Foundation
import Hummingbird

/// `/api/audit[/:page]` and `/api/audit/instance/:host/:port[/:page]`: the API writes, newest
/// first, `pageSize` a page, in upstream's `Audit` shape (`AuditId`, `AuditTimestamp`,
/// `AuditType`, `AuditInstanceKey`, `Message`) plus the request's facts as extra fields.
struct AuditRoutes: APIRouteCollection {
    let backend: Backend

    /// Upstream's `AuditPageSize`.
    static let pageSize = 20

    struct EntryJSON: Encodable, Sendable {
        var entry: AuditEntry

        enum CodingKeys: String, CodingKey {
            case AuditId, AuditTimestamp, AuditType, AuditInstanceKey, Message, User, Source, Method, Path, Status
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(entry.id, forKey: .AuditId)
            try c.encode(InstanceJSON.timestamp(entry.at), forKey: .AuditTimestamp)
            try c.encode(entry.type, forKey: .AuditType)
            try c.encode(KeyJSON(entry.instance), forKey: .AuditInstanceKey)
            try c.encode(entry.message, forKey: .Message)
            try c.encode(entry.user, forKey: .User)
            try c.encode(entry.source, forKey: .Source)
            try c.encode(entry.method, forKey: .Method)
            try c.encode(entry.path, forKey: .Path)
            try c.encode(entry.status, forKey: .Status)
        }
    }

    func register(on api: APIRoutes) {
        api.read("audit", APIOperation("audit", .audit, "API writes, newest first (who, from where, which route, outcome), \(Self.pageSize) a page",
                                       ok: Self.ok)) { _, _ in
            try await entries(nil, page: 0)
        }
        api.read("audit/:page", APIOperation("auditPage", .audit, "API writes, one page of \(Self.pageSize)", [.page], ok: Self.ok)) { _, context in
            try await entries(nil, page: APIParameters.page(context))
        }
        api.read("audit/instance/:host/:port",
                 APIOperation("auditInstance", .audit, "API writes naming this instance", [.host, .port], ok: Self.ok)) { _, context in
            try await entries(APIParameters.instanceKey(context), page: 0)
        }
        api.read("audit/instance/:host/:port/:page",
                 APIOperation("auditInstancePage", .audit, "API writes naming this instance, one page", [.host, .port, .page],
                              ok: Self.ok)) { _, context in
            try await entries(APIParameters.instanceKey(context), page: APIParameters.page(context))
        }
    }

    private static let ok = APIResponse.json("Entries", .array(.ref(.audit)))

    private func entries(_ instance: InstanceKey?, page: Int) async throws -> JSONBody<[EntryJSON]> {
        JSONBody(try await backend.auditEntries(instance: instance, limit: Self.pageSize, offset: page * Self.pageSize)
            .map { EntryJSON(entry: $0) })
    }
}

/// A route's OpenAPI operation, declared where the route is registered
/// (`api.read("clusters", APIOperation(...)) { ... }`). What follows from the registration is
/// not declared: the path, the methods (a write answers GET and POST, POST's operationId ending
/// in `Post`), `x-access`, and the error answers of its access class and API version
/// (`APIResponse.errors`). `OpenAPIDocument` puts them together.
struct APIOperation: Sendable {
    enum Tag: String, Encodable, Sendable {
        case health, instances, clusters, v2, recovery, audit, maintenance, plugins, switchover
    }

    let id: String
    let tag: Tag
    let summary: String
    /// Path captures in the route's order, then query items.
    let parameters: [APIParameter]
    /// The 200 answer.
    let ok: APIResponse
    /// The route's own error answers, besides the derived ones (a probe's 503).
    let errors: [Int: APIResponse]
    let description: String?

    init(_ id: String, _ tag: Tag, _ summary: String, _ parameters: [APIParameter] = [], ok: APIResponse,
         errors: [Int: APIResponse] = [:], description: String? = nil) {
        self.id = id
        self.tag = tag
        self.summary = summary
        self.parameters = parameters
        self.ok = ok
        self.errors = errors
        self.description = description
    }
}

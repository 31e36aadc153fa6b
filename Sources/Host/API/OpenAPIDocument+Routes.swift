import Foundation
import Hummingbird
import NIOCore
import Synchronization

extension OpenAPIDocument {
    /// `/api/openapi.json`: the document of every route registered with the same table,
    /// rendered on the first request (registration is over before the router serves) and
    /// kept, since the routes do not change while it serves.
    struct Routes: APIRouteCollection {
        /// "/" or "/<URLPrefix>": where the documented paths start.
        let serverURL: String

        func register(on api: APIRoutes) {
            let table = api.table, serverURL = self.serverURL, rendered = Rendered()
            api.read("openapi.json", APIOperation("openapi", .health, "This document", ok: .json("OpenAPI 3 document", .anyObject))) { _, _ in
                let body = try rendered.buffer { try OpenAPIDocument(routes: table.routes, serverURL: serverURL).json() }
                return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
            }
        }
    }

    /// The document's bytes, rendered once.
    final class Rendered: Sendable {
        private let bytes = Mutex<ByteBuffer?>(nil)

        func buffer(_ render: () throws -> Data) throws -> ByteBuffer {
            try bytes.withLock { cached in
                if let cached { return cached }
                let buffer = ByteBuffer(bytes: try render())
                cached = buffer
                return buffer
            }
        }
    }
}

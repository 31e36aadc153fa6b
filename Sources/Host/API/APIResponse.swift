/// One answer of an operation: what it means and the schema of its body.
struct APIResponse: Encodable, Sendable {
    struct MediaType: Encodable, Sendable {
        var schema: APISchema
    }

    var description: String
    /// The body's schema by media type.
    var content: [String: MediaType]

    static func json(_ description: String, _ schema: APISchema) -> APIResponse {
        APIResponse(description: description, content: ["application/json": MediaType(schema: schema)])
    }

    /// v1's envelope, `details` being its `Details`.
    static func envelope(_ description: String, details: APISchema) -> APIResponse {
        json(description, .envelope(details: details))
    }

    /// A v2 success: `data` in v2's envelope.
    static func v2(_ data: APISchema) -> APIResponse {
        json("OK", .v2Envelope(data: data))
    }

    static func text(_ description: String) -> APIResponse {
        APIResponse(description: description, content: ["text/plain": MediaType(schema: .string)])
    }
}

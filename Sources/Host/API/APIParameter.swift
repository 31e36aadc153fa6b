/// A parameter of an operation: a capture of the route's path (`:host`, always required) or a
/// query item. The ones several routes share are the static members below; a capture under
/// another name is `.host.named("candHost")`.
struct APIParameter: Encodable, Sendable {
    enum Location: String, Encodable, Sendable {
        case path, query
    }

    private(set) var name: String
    let location: Location
    let schema: APISchema
    let description: String?

    enum CodingKeys: String, CodingKey {
        case name, location = "in", required, schema, description
    }

    static func path(_ name: String, _ schema: APISchema, _ description: String? = nil) -> APIParameter {
        APIParameter(name: name, location: .path, schema: schema, description: description)
    }

    static func query(_ name: String, _ schema: APISchema) -> APIParameter {
        APIParameter(name: name, location: .query, schema: schema, description: nil)
    }

    /// The same parameter captured under another name.
    func named(_ name: String) -> APIParameter {
        var copy = self
        copy.name = name
        return copy
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(location, forKey: .location)
        if location == .path { try c.encode(true, forKey: .required) }
        try c.encode(schema, forKey: .schema)
        try c.encodeIfPresent(description, forKey: .description)
    }

    // Bounded as `APIParameters` checks them.
    static let host = path("host", APISchema.string.maxLength(APIParameters.maximumLength), "Host name or address as the topology knows it")
    static let port = path("port", .integer(1...65535))
    static let hint = path("hint", APISchema.string.maxLength(APIParameters.maximumLength),
                           "Cluster name, cluster alias, or host:port of any member")
    static let page = path("page", .integer(0...APIParameters.maximumPage))
    static let id = path("id", .integer(atLeast: 0))
    static let uid = path("uid", .string)
    static let comment = query("comment", .string)
}

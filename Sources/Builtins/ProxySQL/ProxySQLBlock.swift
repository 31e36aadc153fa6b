import ConfigJSON
public import Host

/// The `ProxySQL` block of the configuration: the admin endpoints the built-in rewire updates
/// and `orc.proxysql_endpoints()` lists. The plugin owns its key, decoding, checks and section of
/// docs/config.md; the executable registers the block (`BuiltinPlugins.configBlocks`).
public struct ProxySQLBlock: ConfigBlock {
    public var endpoints: [ProxySQLEndpoint] = []

    public init() {}

    public var secrets: [String] { endpoints.map(\.password.value) }

    public static let section = ConfigSection("ProxySQL")

    public static let keys: [ConfigKeyDescriptor<Configuration>] = [endpointsKey]

    public static let reference: [String] = [
        "",
        "### Fields of a `ProxySQL` entry",
        "",
    ] + ConfigReference.table(ProxySQLEndpointKeys.all) + [
        "",
        "Example:",
        "",
        "```json",
        "\"ProxySQL\": [",
        "  {\"Address\": \"10.0.0.5\", \"User\": \"radmin\", \"Password\": \"${PROXYSQL_ADMIN_PASSWORD}\",",
        "   \"WriterHostgroup\": 10, \"ReaderHostgroup\": 20, \"SSLMode\": \"require\"}",
        "]",
        "```",
    ]

    static let endpointsKey = ConfigKeyDescriptor<Configuration>(
        name: "ProxySQL",
        section: Self.section, typeName: "list of endpoint objects", defaultValue: .array([]),
        doc: "ProxySQL PostgreSQL admin interfaces that the built-in rewire plugin updates after a promotion "
            + "(writer hostgroup := the new primary, the old one `OFFLINE_HARD`, `LOAD`/`SAVE PGSQL SERVERS`). "
            + "Each endpoint is handled independently; the fields of an entry are listed below.",
        status: .honoured(swiftPath: "config.proxySQL"),
        apply: { root, value, key, context throws(ConfigError) in
            let example = "[{\"Address\": \"127.0.0.1\", \"WriterHostgroup\": 10}]"
            guard case .array(let elements) = value else {
                throw context.invalid(key.path, value, secret: false,
                                      expected: "a list of ProxySQL admin endpoints, like \(example)")
            }
            var endpoints: [ProxySQLEndpoint] = []
            for (index, element) in elements.enumerated() {
                let path = "\(key.path)[\(index)]"
                guard case .object(let members) = element else {
                    throw context.invalid(path, element, secret: false, expected: "an endpoint object, like \(example)")
                }
                var endpoint = ProxySQLEndpoint()
                try ConfigObjectDecoder.decode(members, keys: ProxySQLEndpointKeys.all, into: &endpoint,
                                               pathPrefix: path + ".", context: &context)
                if let reader = endpoint.readerHostgroup, reader == endpoint.writerHostgroup {
                    throw context.invalid(path + ".ReaderHostgroup", .integer(reader), secret: false,
                                          expected: "a hostgroup other than WriterHostgroup (\(endpoint.writerHostgroup))")
                }
                endpoints.append(endpoint)
            }
            root.proxySQL = endpoints
        },
        render: { root, redact in
            [ConfigJSONMember(key: "ProxySQL", value: .array(root.proxySQL.map { endpoint in
                .object(ProxySQLEndpointKeys.all.flatMap { $0.render(endpoint, redact) })
            }))]
        })
}

extension ConfigSection {
    /// The heading of the `ProxySQL` block's keys and of the fields of its entries.
    static let proxySQL = ProxySQLBlock.section
}

extension Configuration {
    /// `ProxySQL`: the admin endpoints of the built-in rewire (the `ProxySQLBlock` it holds).
    public var proxySQL: [ProxySQLEndpoint] {
        get { blocks[ProxySQLBlock.self].endpoints }
        set { blocks[ProxySQLBlock.self].endpoints = newValue }
    }
}

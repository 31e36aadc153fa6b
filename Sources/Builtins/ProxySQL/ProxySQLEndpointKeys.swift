import ConfigJSON
public import Host

/// The key table of one `ProxySQL` list entry. Defaults follow ProxySQL's own
/// (`admin-pgsql_ifaces` 0.0.0.0:6132, `admin-admin_credentials` admin:admin).
package enum ProxySQLEndpointKeys {
    package typealias Key = ConfigKeyDescriptor<ProxySQLEndpoint>

    package static let all: [Key] = [
        Key.text("Address", \.address, .proxySQL, typeName: "string (host or IP)", check: { value in
            if value.isEmpty { return "a host name or IP address" }
            if value.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "'" }) {
                return "a host name or IP address (no spaces, slashes or quotes)"
            }
            return nil
        }, doc: "Host of the ProxySQL admin interface.").required(),
        .port("Port", \.port, .proxySQL,
              doc: "PostgreSQL-protocol admin port (`admin-pgsql_ifaces`, default 6132; 6032 is the MySQL-protocol one)."),
        .text("User", \.user, .proxySQL, check: { $0.isEmpty ? "an admin user name" : nil },
              doc: "Admin user. ProxySQL's built-in `admin` may only log in from localhost; for a remote ProxySQL add "
                + "a dedicated `user:password` pair to `admin-admin_credentials`."),
        .secret("Password", \.password, .proxySQL,
              doc: "Admin password (ProxySQL's built-in default is `admin`)."),
        Key.integer("WriterHostgroup", \.writerHostgroup, .proxySQL, unit: .count, minimum: 0,
                    doc: "Hostgroup that must contain exactly the current primary.").required(),
        readerHostgroup,
        .flag("PreFailoverDrain", \.preFailoverDrain, .proxySQL,
              doc: "Before a failover or switchover, set the old primary `OFFLINE_SOFT` so that it drains."),
        .choice("SSLMode", \.sslMode, .proxySQL,
                doc: "libpq `sslmode` for the admin connection; use `require` when the link is not loopback."),
        .integer("ConnectTimeoutSeconds", \.connectTimeoutSeconds, .proxySQL, unit: .seconds, minimum: 1,
                 doc: "libpq `connect_timeout` for the admin connection."),
        .integer("TimeoutSeconds", \.timeoutSeconds, .proxySQL, unit: .seconds, minimum: 1,
                 doc: "Deadline for updating this endpoint, retries included; after it the endpoint is reported "
                    + "failed and left to the reconciler. A promotion never waits for ProxySQL."),
    ]

    static let readerHostgroup = Key(
        name: "ReaderHostgroup", section: .proxySQL, typeName: "integer", defaultValue: .null,
        doc: "Hostgroup of the readers (standbys). When absent the plugin leaves readers alone; it must differ from "
            + "`WriterHostgroup`.",
        status: .honoured(swiftPath: Key.swiftPath(\ProxySQLEndpoint.readerHostgroup)),
        apply: { endpoint, value, key, context throws(ConfigError) in
            endpoint.readerHostgroup = try context.integer(value, key: key.path, range: 0...Int.max,
                                                           expected: "\(ConfigValueUnit.count.phrase) >= 0")
        },
        render: { endpoint, _ in
            [ConfigJSONMember(key: "ReaderHostgroup", value: endpoint.readerHostgroup.map(ConfigJSONValue.integer) ?? .null)]
        })
}

extension ProxySQLEndpoint: ConfigRoot {
    public static var swiftPathPrefix: String { "config.proxySQL[i]" }
}

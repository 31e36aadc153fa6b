public import Host
public import PGClient

/// What the built-in adds to the Lua API (docs/plugins.md): `orc.proxysql_endpoints()`, the
/// `ProxySQL` endpoints without credentials, and `orc.proxysql(endpoint, sql)`, one statement on
/// an admin interface through the simple-query protocol, with a configured endpoint's
/// credentials or explicit ones. Independent of the rewire: Lua plugins such as
/// `plugins/lua/proxysql_rewire.lua` use it whether or not the built-in rewire runs.
public struct ProxySQLLuaAPI: Sendable {
    /// A ProxySQL admin endpoint to run a statement on, with its credentials.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String
        public var sslMode: String
        public var connectTimeout: Duration

        public init(host: String, port: Int, user: String, password: String, sslMode: String = "prefer",
                    connectTimeout: Duration = .seconds(2)) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.sslMode = sslMode
            self.connectTimeout = connectTimeout
        }
    }

    /// Runs one statement on a target; tests put a recording one in place.
    public typealias Run = @Sendable (_ target: Target, _ sql: String, _ timeout: Duration) async throws -> PGResult

    let endpoints: [ProxySQLEndpoint]
    let run: Run

    public init(endpoints: [ProxySQLEndpoint], run: @escaping Run = ProxySQLLuaAPI.live) {
        self.endpoints = endpoints
        self.run = run
    }

    public var functions: [LuaAPIFunction] {
        let api = self
        let listed = endpoints.map { endpoint -> LuaValue in
            ["host": .string(endpoint.address), "port": .integer(Int64(endpoint.port)),
             "writer_hostgroup": .integer(Int64(endpoint.writerHostgroup)),
             "reader_hostgroup": endpoint.readerHostgroup.map { .integer(Int64($0)) } ?? .nil]
        }
        return [
            LuaAPIFunction("orc.proxysql", .waiting { arguments, timeout in
                guard arguments.count == 2, let sql = arguments[1].stringValue else {
                    throw PluginError("orc.proxysql(endpoint, sql): give an endpoint table (from orc.proxysql_endpoints() or {host=, port=, user=, password=}) and one SQL statement")
                }
                return LuaValue(try await api.run(try api.target(arguments[0]), sql, timeout))
            }),
            LuaAPIFunction("orc.proxysql_endpoints", .immediate { _ in .table(LuaTable(array: listed)) }),
        ]
    }

    /// An endpoint from `orc.proxysql_endpoints()` (credentials from the configuration) or an
    /// explicit `{host=, port=, user=, password=}`.
    func target(_ value: LuaValue) throws(PluginError) -> Target {
        guard let host = value["host"].stringValue, let port = value["port"].integerValue else {
            throw PluginError("orc.proxysql: the endpoint needs host and port")
        }
        if let user = value["user"].stringValue {
            return Target(host: host, port: Int(port), user: user, password: value["password"].stringValue ?? "")
        }
        guard let configured = endpoints.first(where: { $0.address == host && $0.port == Int(port) }) else {
            throw PluginError("orc.proxysql: \(host):\(port) is not a configured ProxySQL endpoint; add it to ProxySQL in the config or pass user and password")
        }
        return Target(host: configured.address, port: configured.port, user: configured.user, password: configured.password.value,
                      sslMode: configured.sslMode.rawValue, connectTimeout: .seconds(configured.connectTimeoutSeconds))
    }

    /// libpq's simple query on one short-lived connection per statement.
    public static let live: Run = { target, sql, timeout in
        let info = ConnInfo([
            .init("host", target.host), .init("port", String(target.port)), .init("user", target.user),
            .init("password", target.password), .init("sslmode", target.sslMode),
            .init("gssencmode", "disable"), .init("application_name", "orchestrator"),
        ])
        let connection = try await PGConnection.connect(info, timeout: target.connectTimeout)
        do {
            let results = try await connection.simpleQuery(sql, timeout: timeout)
            await connection.close()
            return results.last ?? PGResult(columns: [], rows: [], commandTag: "")
        } catch {
            await connection.close()
            throw error
        }
    }
}

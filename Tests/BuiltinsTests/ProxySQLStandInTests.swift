import Builtins
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

/// The stand-in must answer as ProxySQL's PostgreSQL admin port does (docs/testing-proxysql.md,
/// "What it reproduces"), or the rewire tests prove nothing about a real ProxySQL.
@Suite("ProxySQL stand-in answers like ProxySQL's admin port")
struct ProxySQLStandInTests {
    static let insert = "INSERT INTO pgsql_servers (hostgroup_id, hostname, port, comment) VALUES (10, '127.0.0.1', 35432, 'pg-primary')"

    @Test("extended protocol is refused with 0A000 Feature not supported; simple query works on the same connection")
    func extendedProtocolRefused() async throws {
        try await ProxySQLStandIn.with { standIn in
            let connection = try await PGConnection.connect(standIn.conninfo(), timeout: .seconds(10))
            let error = await #expect(throws: PGError.self) {
                try await connection.query("SELECT 1", timeout: .seconds(10))
            }
            #expect(error?.code == .serverError)
            #expect(error?.sqlState == "0A000")
            #expect(error?.message == "Feature not supported")
            let results = try await connection.simpleQuery("SELECT 1 AS n, NULL AS z, 'x' AS s", timeout: .seconds(10))
            #expect(results.count == 1)
            #expect(results[0].rows.first?.values == ["1", nil, "x"])
            #expect(results[0].commandTag == "SELECT 1")
        }
    }

    @Test("only the first statement of a query runs; the rest is dropped without an error")
    func oneStatementPerQuery() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await standIn.execute(Self.insert)
            let results = try await standIn.execute(
                "UPDATE pgsql_servers SET weight=3 WHERE hostgroup_id=10; UPDATE pgsql_servers SET weight=4 WHERE hostgroup_id=10")
            #expect(results.map(\.commandTag) == ["UPDATE 1"])
            #expect(try await standIn.rows("pgsql_servers").first?[4] == "3")
            // An admin command after a statement never runs either.
            try await standIn.execute("UPDATE pgsql_servers SET weight=5; LOAD PGSQL SERVERS TO RUNTIME")
            #expect(try await standIn.rows("runtime_pgsql_servers").isEmpty)
        }
    }

    @Test("primary key, CHECK and syntax errors carry ProxySQL's texts")
    func errors() async throws {
        try await ProxySQLStandIn.with { standIn in
            let inserted = try await standIn.execute(Self.insert)
            #expect(inserted.map(\.commandTag) == ["INSERT 0 1"])
            let cases = [
                (Self.insert, "ProxySQL Admin Error: UNIQUE constraint failed: pgsql_servers.hostgroup_id, pgsql_servers.hostname, pgsql_servers.port"),
                ("UPDATE pgsql_servers SET status='BAD'",
                 "ProxySQL Admin Error: CHECK constraint failed: UPPER(status) IN ('ONLINE','SHUNNED','OFFLINE_SOFT', 'OFFLINE_HARD')"),
                ("SELEC 1", #"ProxySQL Admin Error: near "SELEC": syntax error"#),
                ("SELECT E'it''s'", "ProxySQL Admin Error: no such column: E"),
                ("LOAD PGSQL SERVERZ TO RUNTIME", #"ProxySQL Admin Error: near "LOAD": syntax error"#),
            ]
            for (sql, message) in cases {
                let error = await #expect(throws: PGError.self, "\(sql)") { try await standIn.execute(sql) }
                #expect(error?.message == message)
                #expect(error?.sqlState == "28000")
            }
        }
    }

    @Test("LOAD / SAVE tags; runtime omits OFFLINE_HARD; disk survives a restart; transactions are ignored")
    func loadAndSave() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await standIn.execute(Self.insert)
            try await standIn.execute("INSERT INTO pgsql_servers (hostgroup_id, hostname, port, status) VALUES (20, '127.0.0.1', 35433, 'OFFLINE_HARD')")
            #expect(try await standIn.execute(" load  pgsql servers to runtime ;").map(\.commandTag) == ["LOAD"])
            #expect(try await standIn.servers() == [ProxySQLServerRow(hostgroup: 10, server: InstanceAddress(host: "127.0.0.1", port: 35432), status: "ONLINE")])
            #expect(try await standIn.execute("SAVE PGSQL SERVERS TO DISK").map(\.commandTag) == ["SAVE"])
            #expect(try await standIn.rows("disk.pgsql_servers") == (try await standIn.rows("pgsql_servers")))

            #expect(try await standIn.execute("BEGIN").map(\.commandTag) == ["BEGI"])
            try await standIn.execute("DELETE FROM pgsql_servers")
            #expect(try await standIn.execute("ROLLBACK").map(\.commandTag) == ["ROLLBAC"])
            #expect(try await standIn.rows("pgsql_servers").isEmpty)
            #expect(try await standIn.execute("LOAD PGSQL SERVERS FROM DISK").map(\.commandTag) == ["LOAD"])
            #expect(try await standIn.rows("pgsql_servers").count == 2)

            try await standIn.execute("DELETE FROM pgsql_servers")
            await standIn.stop()
            try await standIn.start()
            // A restart loads disk into memory and runtime, not the unsaved memory edit.
            #expect(try await standIn.rows("pgsql_servers").count == 2)
            #expect(try await standIn.servers().count == 1)
            #expect(try await standIn.execute("SAVE PGSQL SERVERS FROM RUNTIME").map(\.commandTag) == ["SAVE"])
            #expect(try await standIn.servers("pgsql_servers") == [ProxySQLServerRow(hostgroup: 10, server: InstanceAddress(host: "127.0.0.1", port: 35432), status: "ONLINE")])
        }
    }

    @Test("a wrong password is refused with ProxySQL's message", arguments: [
        ProxySQLStandIn.Authentication.scramSHA256, .md5, .cleartext,
    ])
    func authentication(method: ProxySQLStandIn.Authentication) async throws {
        try await ProxySQLStandIn.with(authentication: method) { standIn in
            let results = try await standIn.execute("SELECT 1")
            #expect(results.count == 1)
            var wrong = standIn.conninfo()
            wrong["password"] = "nope"
            let error = await #expect(throws: PGError.self) {
                try await PGConnection.connect(wrong, timeout: .seconds(10))
            }
            #expect(error?.code == .connectionFailed)
            #expect(error?.message.contains("ProxySQL Error: Access denied for user '\(standIn.user)'@'127.0.0.1' (using password: YES)") == true)
        }
    }
}

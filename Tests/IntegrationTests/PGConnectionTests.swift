import Foundation
import HookAPI
import Host
import PGClient
import PGTestKit
import Testing

@Suite("PGConnection against a real server")
struct PGConnectionTests {
    @Test("typed results, parameters, command tags")
    func queries() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            let row = try await connection.query(
                "SELECT $1::int + 1 AS n, $2::text AS t, NULL::text AS z, true AS b, pg_current_wal_lsn() AS lsn, 2.5::float8 AS d",
                ["41", "it's; DROP TABLE x; --"], timeout: .seconds(5)
            ).singleRow()
            #expect(try row.decode("n", as: Int.self) == 42)
            #expect(try row.decode("t", as: String.self) == "it's; DROP TABLE x; --")
            #expect(try row.decodeIfPresent("z", as: String.self) == nil)
            #expect(try row.decode("b", as: Bool.self))
            #expect(try row.decode("lsn", as: LSN.self) > LSN(0))
            #expect(try row.decode("d", as: Double.self) == 2.5)
            #expect(throws: PGError.self) { try row.decode("z", as: String.self) }
            #expect(throws: PGError.self) { try row.decode("t", as: Int.self) }
            #expect(throws: PGError.self) { try row.decode("nope", as: Int.self) }

            let created = try await connection.query("CREATE TABLE t(id int)", timeout: .seconds(5))
            #expect(created.commandTag == "CREATE TABLE")
            let inserted = try await connection.query("INSERT INTO t SELECT generate_series(1, 3)", timeout: .seconds(5))
            #expect(inserted.affectedRows == 3)
            let all = try await connection.query("SELECT id FROM t ORDER BY id", timeout: .seconds(5))
            #expect(all.rows.map { try? $0.decode("id", as: Int.self) } == [1, 2, 3])
        }
    }

    @Test("server errors carry SQLSTATE, message and detail; the connection stays usable")
    func serverErrors() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            let error = await #expect(throws: PGError.self) {
                try await connection.query("SELECT 1/0", timeout: .seconds(5))
            }
            #expect(error?.code == .serverError)
            #expect(error?.sqlState == "22012")
            #expect(error?.message == "division by zero")
            #expect(error?.endpoint == topology.primary.description)
            let again = try await connection.query("SELECT 1 AS one", timeout: .seconds(5)).singleRow()
            #expect(try again.decode("one", as: Int.self) == 1)
            let nul = await #expect(throws: PGError.self) {
                try await connection.query("SELECT $1", ["a\u{0}b"], timeout: .seconds(5))
            }
            #expect(nul?.code == .invalidInput)
        }
    }

    @Test("simple protocol runs several statements, one result each")
    func simpleQuery() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            let results = try await connection.simpleQuery("SELECT 1 AS a; SELECT 'x' AS b, 'y' AS c", timeout: .seconds(5))
            #expect(results.count == 2)
            #expect(results[1].columns == ["b", "c"])
        }
    }

    @Test("wrong password and refused port fail fast with a clear message")
    func connectFailures() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let badPassword = await #expect(throws: PGError.self) {
                try await PGConnection.connect(topology.primary.conninfo(password: "wrong"), timeout: .seconds(5))
            }
            #expect(badPassword?.code == .connectionFailed)
            #expect(badPassword?.message.contains("password authentication failed") == true)
            #expect(badPassword?.description.contains("wrong") == false)

            var refused = topology.primary.conninfo()
            refused["port"] = "1"
            let closedPort = await #expect(throws: PGError.self) {
                try await PGConnection.connect(refused, timeout: .seconds(5))
            }
            #expect(closedPort?.code == .connectionFailed)
        }
    }

    @Test("a frozen server: connect and query stop at their deadline")
    func frozenServerDeadlines() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            topology.primary.freeze()
            defer { topology.primary.thaw() }
            let queryError = await #expect(throws: PGError.self) {
                try await connection.query("SELECT 1", timeout: .milliseconds(300))
            }
            #expect(queryError?.code == .timeout)
            #expect(await connection.isOpen == false)
            let afterTimeout = await #expect(throws: PGError.self) {
                try await connection.query("SELECT 1", timeout: .seconds(1))
            }
            #expect(afterTimeout?.code == .closed)
            let connectError = await #expect(throws: PGError.self) {
                try await topology.primary.connect(timeout: .milliseconds(300))
            }
            #expect(connectError?.code == .timeout)
        }
    }

    @Test("50 queries stuck on a frozen server never starve unrelated async work")
    func frozenServerDoesNotBlockThePool() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            var connections: [PGConnection] = []
            for _ in 0..<50 { connections.append(try await topology.primary.connect()) }
            topology.primary.freeze()
            defer { topology.primary.thaw() }

            let clock = ContinuousClock()
            let (unrelatedDone, queriesDone) = await withTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
                for connection in connections {
                    group.addTask {
                        _ = try? await connection.query("SELECT pg_sleep(0)", timeout: .seconds(3))
                        return ("query", clock.now)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(100))
                    var sum = 0
                    for i in 0..<10_000 { sum &+= i }
                    return (sum > 0 ? "unrelated" : "?", clock.now)
                }
                var unrelated: ContinuousClock.Instant?
                var queries: [ContinuousClock.Instant] = []
                for await (kind, at) in group {
                    if kind == "unrelated" { unrelated = at } else { queries.append(at) }
                }
                return (unrelated, queries)
            }
            // Every query waited for its deadline; the unrelated task ran long before any ended.
            #expect(queriesDone.count == 50)
            let firstQueryEnd = try #require(queriesDone.min())
            let unrelated = try #require(unrelatedDone)
            #expect(unrelated < firstQueryEnd)
            for connection in connections { #expect(await connection.isOpen == false) }
        }
    }

    @Test("a killed server: the query fails as a lost connection, not a hang")
    func killedServer() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            await topology.primary.killPostmaster()
            // The backend notices its postmaster died and exits; libpq sees the socket close.
            var lastError: PGError?
            for _ in 0..<50 {
                do {
                    _ = try await connection.query("SELECT 1", timeout: .seconds(2))
                    try await Task.sleep(for: .milliseconds(20))
                } catch {
                    lastError = error as? PGError
                    break
                }
            }
            let code = try #require(lastError?.code)
            #expect(code == .connectionLost || code == .serverError)
            #expect(await connection.isOpen == false)
        }
    }
}

import Builtins
import HookAPI
import Host
import Testing

@Suite("ProxySQL rewire plan: the SQL text and the runtime check")
struct ProxySQLRewirePlanTests {
    static let old = InstanceAddress(host: "10.0.0.1", port: 5432)
    static let new = InstanceAddress(host: "10.0.0.2", port: 5432)
    static let other = InstanceAddress(host: "db-3.example", port: 5433)

    @Test("the documented sequence, one statement each, literals quoted")
    func sequence() throws {
        let plan = try ProxySQLRewirePlan.rewire(writerHostgroup: 10, readerHostgroup: 20, newPrimary: Self.new, oldPrimary: Self.old,
                                                 standbys: [Self.new, Self.other, Self.other], tag: "orc:it's")
        let columns = "hostgroup_id, hostname, port, status, weight, compression, max_connections, max_replication_lag, use_ssl, max_latency_ms, comment"
        #expect(plan.statements.map(\.sql) == [
            "SELECT hostgroup_id, hostname, port, status FROM runtime_pgsql_servers ORDER BY hostgroup_id, hostname, port",
            "DELETE FROM pgsql_servers WHERE hostgroup_id=10 AND NOT (hostname='10.0.0.2' AND port=5432)",
            "INSERT OR REPLACE INTO pgsql_servers (\(columns)) VALUES (10, '10.0.0.2', 5432, 'ONLINE', 1, 0, 1000, 0, 0, 0, 'orc:it''s:writer')",
            "INSERT OR REPLACE INTO pgsql_servers (\(columns)) VALUES (20, '10.0.0.1', 5432, 'OFFLINE_HARD', 1, 0, 1000, 0, 0, 0, 'orc:it''s:fenced')",
            "UPDATE pgsql_servers SET status='OFFLINE_HARD', comment='orc:it''s:fenced' WHERE hostname='10.0.0.1' AND port=5432",
            "DELETE FROM pgsql_servers WHERE hostgroup_id=20 AND hostname='10.0.0.2' AND port=5432",
            "INSERT OR IGNORE INTO pgsql_servers (hostgroup_id, hostname, port, status, comment) VALUES (20, 'db-3.example', 5433, 'ONLINE', 'orc:it''s:reader')",
            "UPDATE pgsql_servers SET status='ONLINE' WHERE hostgroup_id=20 AND hostname='db-3.example' AND port=5433",
            "LOAD PGSQL SERVERS TO RUNTIME",
            "SELECT hostgroup_id, hostname, port, status FROM runtime_pgsql_servers WHERE hostgroup_id IN (10, 20) OR (hostname='10.0.0.1' AND port=5432) ORDER BY hostgroup_id, hostname, port",
            "SAVE PGSQL SERVERS TO DISK",
        ])
        #expect(plan.statements.allSatisfy { !$0.sql.contains(";") })
    }

    @Test("without a reader hostgroup the fenced row stays in the writer hostgroup")
    func noReaders() throws {
        let plan = try ProxySQLRewirePlan.rewire(writerHostgroup: 10, readerHostgroup: nil, newPrimary: Self.new, oldPrimary: Self.old,
                                                 standbys: [Self.other], tag: "t")
        let sql = plan.statements.map(\.sql)
        #expect(sql[1] == "DELETE FROM pgsql_servers WHERE hostgroup_id=10 AND NOT (hostname='10.0.0.2' AND port=5432) "
            + "AND NOT (hostname='10.0.0.1' AND port=5432)")
        #expect(sql[3].contains("VALUES (10, '10.0.0.1', 5432, 'OFFLINE_HARD'"))
        #expect(!sql.contains { $0.contains("db-3.example") })
    }

    @Test("runtime check: exactly the new writer, the old primary nowhere, the standbys reading")
    func verification() throws {
        let plan = try ProxySQLRewirePlan.rewire(writerHostgroup: 10, readerHostgroup: 20, newPrimary: Self.new, oldPrimary: Self.old,
                                                 standbys: [Self.other], tag: "t")
        let writer = ProxySQLServerRow(hostgroup: 10, server: Self.new, status: "ONLINE")
        let reader = ProxySQLServerRow(hostgroup: 20, server: Self.other, status: "online")
        #expect(plan.problem(in: [writer, reader]) == nil)
        #expect(plan.problem(in: [reader])?.contains("missing 10 10.0.0.2:5432 ONLINE") == true)
        #expect(plan.problem(in: [writer, reader, .init(hostgroup: 10, server: Self.other, status: "ONLINE")])?.contains("unexpected") == true)
        #expect(plan.problem(in: [writer, reader, .init(hostgroup: 20, server: Self.old, status: "SHUNNED")])?.contains("old primary still live") == true)
        #expect(plan.problem(in: [writer, reader, .init(hostgroup: 20, server: Self.new, status: "ONLINE")])?.contains("unexpected") == true)
        #expect(plan.problem(in: [writer, .init(hostgroup: 20, server: Self.other, status: "SHUNNED")]) != nil)
    }

    @Test("unsafe or contradictory requests are refused", arguments: [
        (InstanceAddress(host: "a'b", port: 5432), 10, 20),
        (InstanceAddress(host: "a\\b", port: 5432), 10, 20),
        (InstanceAddress(host: "", port: 5432), 10, 20),
        (InstanceAddress(host: "10.0.0.9", port: 70000), 10, 20),
        (InstanceAddress(host: "10.0.0.9", port: 5432), 10, 10),
        (InstanceAddress(host: "10.0.0.1", port: 5432), 10, 20),
    ])
    func refused(new: InstanceAddress, writer: Int, reader: Int) {
        let error = #expect(throws: ProxySQLRewireError.self) {
            try ProxySQLRewirePlan.rewire(writerHostgroup: writer, readerHostgroup: reader, newPrimary: new, oldPrimary: Self.old,
                                          standbys: [], tag: "t")
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test("drain: OFFLINE_SOFT in the writer hostgroup, applied, not saved")
    func drain() throws {
        let plan = try ProxySQLRewirePlan.drain(writerHostgroup: 10, oldPrimary: Self.old)
        #expect(plan.statements.map(\.sql).dropFirst().first
            == "UPDATE pgsql_servers SET status='OFFLINE_SOFT' WHERE hostgroup_id=10 AND hostname='10.0.0.1' AND port=5432")
        #expect(plan.statements.contains { $0.sql == "LOAD PGSQL SERVERS TO RUNTIME" })
        #expect(!plan.statements.contains { $0.sql.hasPrefix("SAVE") })
        #expect(plan.problem(in: [.init(hostgroup: 10, server: Self.old, status: "OFFLINE_SOFT")]) == nil)
        #expect(plan.problem(in: []) == nil)
        #expect(plan.problem(in: [.init(hostgroup: 10, server: Self.old, status: "ONLINE")]) != nil)
    }
}

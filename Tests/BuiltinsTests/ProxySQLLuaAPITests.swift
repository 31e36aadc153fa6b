import Builtins
import Foundation
import HookAPI
import Host
import Logging
import PGClient
import PGTestKit
import Synchronization
import Testing

/// `orc.proxysql` and `orc.proxysql_endpoints`, which the built-in adds to the Lua API, with a
/// recording ProxySQL in place of the admin connections; and the Lua example users copy.
@Suite struct ProxySQLLuaAPITests {
    private static let examples = repositoryRoot.appendingPathComponent("plugins/lua").path

    private static let quiet: Logger = {
        var logger = Logger(label: "proxysql-lua-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A plugin host with the Lua `scripts` and the built-in's functions over `configuration`,
    /// ProxySQL answered by `run`.
    private func host(_ configuration: Configuration, scripts: [String], run: @escaping ProxySQLLuaAPI.Run) async -> PluginHost {
        var settings = Configuration.Plugins()
        settings.luaScripts = scripts
        settings.timeoutSeconds = 5
        let services = PluginServices(configuration: configuration, logger: Self.quiet, environment: [:], topology: { nil },
                                      sql: { _, _, _, _ in throw Unused() },
                                      functions: ProxySQLLuaAPI(endpoints: configuration.proxySQL, run: run).functions)
        let host = PluginHost(settings: settings, services: services, logger: Self.quiet)
        await host.reload()
        return host
    }

    private static func recovery(successor: InstanceAddress) -> RecoveryEvent {
        RecoveryEvent(recoveryUID: "rec-1", failureType: "DeadPrimary", failureDescription: "primary unreachable",
                      failed: InstanceAddress(host: "10.0.0.1", port: 5432), clusterName: "10.0.0.1:5432", clusterAlias: "payments",
                      clusterSystemIdentifier: "7300000000000000001", failedLSN: LSN("0/3000060"),
                      replicas: [InstanceAddress(host: "10.0.0.2", port: 5432), InstanceAddress(host: "10.0.0.3", port: 5432)],
                      orchestratorHost: "orc1", candidate: nil, candidateLSN: nil, successor: successor, successorLSN: nil)
    }

    @Test func proxysqlUsesConfiguredEndpointsWithTheirCredentials() async throws {
        let config = try parseConfig("""
            {"ProxySQL": [{"Address": "127.0.0.1", "Port": 6132, "User": "radmin", "Password": "pw", "WriterHostgroup": 10, "ReaderHostgroup": 20}]}
            """).configuration
        let seen = Recorded()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proxysql-lua-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/api.lua"
        try ScriptFile.write("""
            orc.on("analysis", function(ev)
              local e = orc.proxysql_endpoints()[1]
              local r = orc.proxysql(e, "SELECT 1 AS n")
              local ok, err = pcall(orc.proxysql, {host = "10.9.9.9", port = 6132}, "SELECT 1")
              return {raise = "P", reason = e.writer_hostgroup .. "," .. e.reader_hostgroup .. "," .. r.rows[1].n .. "," ..
                r.command .. "," .. tostring(e.password) .. "," .. tostring(ok) .. "," .. tostring(err:find("not a configured") ~= nil)}
            end)
            """, to: script, executable: false)
        let host = await host(config, scripts: [script]) { target, sql, _ in
            seen.append("\(target.user)/\(target.password)@\(target.host):\(target.port) \(sql)")
            return PGResult(columns: ["n"], rows: [["1"]], commandTag: "SELECT 1")
        }
        #expect(host.status().warnings.isEmpty, "\(host.status().warnings)")
        let answer = await host.review(analysis: AnalysisEvent(
            code: "StandbyLagging", description: "lag", instance: InstanceAddress(host: "db2", port: 5433), clusterName: "db1:5432",
            replicas: [InstanceAddress(host: "db3", port: 5434)]))
        guard case .raise(_, let reason) = answer else {
            Issue.record("expected a raise, got \(answer)")
            return
        }
        #expect(String(reason.drop { $0 != ":" }.dropFirst(2)) == "10,20,1,SELECT 1,nil,false,true")
        #expect(seen.elements == ["radmin/pw@127.0.0.1:6132 SELECT 1 AS n"])
    }

    @Test func proxysqlRewireIssuesTheDesiredStateSequencePerEndpoint() async throws {
        let config = try parseConfig("""
            {"ProxySQL": [
              {"Address": "proxy-a", "Port": 6132, "User": "radmin", "Password": "pw", "WriterHostgroup": 10, "ReaderHostgroup": 20},
              {"Address": "proxy-b", "Port": 6132, "User": "radmin", "Password": "pw", "WriterHostgroup": 10, "ReaderHostgroup": 20}]}
            """).configuration
        let statements = Recorded()
        let host = await host(config, scripts: ["\(Self.examples)/proxysql_rewire.lua"]) { target, sql, _ in
            guard target.host == "proxy-a" else { throw Refused(description: "connection refused") }
            statements.append(sql)
            if sql.hasPrefix("SELECT hostname, port, status FROM runtime_pgsql_servers WHERE hostgroup_id=10") {
                return PGResult(columns: ["hostname", "port", "status"], rows: [["10.0.0.2", "5432", "ONLINE"]], commandTag: "SELECT 1")
            }
            return PGResult(columns: [], rows: [], commandTag: "OK")
        }
        let outcome = await host.run(.postFailover, event: Self.recovery(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
        let columns = "(hostgroup_id,hostname,port,status,weight,compression,max_connections,max_replication_lag,use_ssl,max_latency_ms,comment)"
        #expect(statements.elements == [
            "SELECT hostgroup_id, hostname, port, status, weight, comment FROM runtime_pgsql_servers ORDER BY hostgroup_id, hostname, port",
            "DELETE FROM pgsql_servers WHERE hostgroup_id=10 AND NOT (hostname='10.0.0.2' AND port=5432)",
            "INSERT OR REPLACE INTO pgsql_servers \(columns) VALUES (10,'10.0.0.2',5432,'ONLINE',1,0,1000,0,0,0,'orchestrator:rec-1:writer')",
            "INSERT OR REPLACE INTO pgsql_servers \(columns) VALUES (20,'10.0.0.1',5432,'OFFLINE_HARD',1,0,1000,0,0,0,'orchestrator:rec-1:fenced')",
            "UPDATE pgsql_servers SET status='OFFLINE_HARD', comment='orchestrator:rec-1:fenced' WHERE hostname='10.0.0.1' AND port=5432",
            "INSERT OR REPLACE INTO pgsql_servers \(columns) VALUES (20,'10.0.0.2',5432,'ONLINE',1,0,1000,0,0,0,'orchestrator:rec-1:reader')",
            "LOAD PGSQL SERVERS TO RUNTIME",
            "SELECT hostname, port, status FROM runtime_pgsql_servers WHERE hostgroup_id=10",
            "SELECT hostgroup_id, status FROM runtime_pgsql_servers WHERE hostname='10.0.0.1' AND port=5432",
            "SAVE PGSQL SERVERS TO DISK",
        ])
        // proxy-b failed on its own; the failure is in the steps, proxy-a was still rewired.
        #expect(outcome.failed)
        #expect(outcome.veto == nil)
        let step = try #require(outcome.steps.first)
        #expect(step.contains("ProxySQL rewire failed on proxy-b:6132: ") && step.contains("connection refused"), "\(step)")
        #expect(outcome.steps.first?.contains("proxy-a") == false)
    }

    @Test func proxysqlRewireRefusesToSaveWhenTheWriterIsNotTheNewPrimary() async throws {
        let config = try parseConfig("""
            {"ProxySQL": [{"Address": "proxy-a", "Port": 6132, "WriterHostgroup": 10}]}
            """).configuration
        let statements = Recorded()
        let host = await host(config, scripts: ["\(Self.examples)/proxysql_rewire.lua"]) { _, sql, _ in
            statements.append(sql)
            if sql.hasPrefix("SELECT hostname, port, status") {
                return PGResult(columns: ["hostname", "port", "status"], rows: [["10.0.0.1", "5432", "SHUNNED"]], commandTag: "SELECT 1")
            }
            return PGResult(columns: [], rows: [], commandTag: "OK")
        }
        let outcome = await host.run(.postFailover, event: Self.recovery(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
        #expect(outcome.failed)
        #expect(outcome.steps.first?.contains("is not exactly 10.0.0.2:5432") == true)
        #expect(!statements.elements.contains("SAVE PGSQL SERVERS TO DISK"))
        #expect(!statements.elements.contains { $0.contains("hostgroup_id=20") || $0.contains("(20,") }, "no reader hostgroup configured")
    }
}

private struct Unused: Error {}

private struct Refused: Error, CustomStringConvertible {
    let description: String
}

/// Statements in the order the recording ProxySQL saw them.
private final class Recorded: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ element: String) { storage.withLock { $0.append(element) } }
    var elements: [String] { storage.withLock { $0 } }
}

import Foundation
import HookAPI
import Host
import Testing

/// Each example in `plugins/` is loaded as users would load it and exercised.
@Suite struct PluginExampleTests {
    private let lua = "\(examplesDirectory)/lua"

    @Test func proxysqlRewireIssuesTheDesiredStateSequencePerEndpoint() async throws {
        let config = try Configuration.parse(data: Data("""
            {"ProxySQL": [
              {"Address": "proxy-a", "Port": 6132, "User": "radmin", "Password": "pw", "WriterHostgroup": 10, "ReaderHostgroup": 20},
              {"Address": "proxy-b", "Port": 6132, "User": "radmin", "Password": "pw", "WriterHostgroup": 10, "ReaderHostgroup": 20}]}
            """.utf8), source: "test.json", environment: [:]).configuration
        let statements = Recorder<String>()
        let services = testServices(configuration: config, proxysql: { target, sql, _ in
            guard target.host == "proxy-a" else { throw PluginTestFailure(description: "connection refused") }
            statements.append(sql)
            if sql.hasPrefix("SELECT hostname, port, status FROM runtime_pgsql_servers WHERE hostgroup_id=10") {
                return PGResult(columns: ["hostname", "port", "status"], rows: [["10.0.0.2", "5432", "ONLINE"]], commandTag: "SELECT 1")
            }
            return PGResult(columns: [], rows: [], commandTag: "OK")
        })
        let host = await loadedHost(pluginSettings(lua: ["\(lua)/proxysql_rewire.lua"]), services: services)
        let outcome = await host.run(.postFailover, event: recoveryEvent(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
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
        let config = try Configuration.parse(data: Data("""
            {"ProxySQL": [{"Address": "proxy-a", "Port": 6132, "WriterHostgroup": 10}]}
            """.utf8), source: "test.json", environment: [:]).configuration
        let statements = Recorder<String>()
        let services = testServices(configuration: config, proxysql: { _, sql, _ in
            statements.append(sql)
            if sql.hasPrefix("SELECT hostname, port, status") {
                return PGResult(columns: ["hostname", "port", "status"], rows: [["10.0.0.1", "5432", "SHUNNED"]], commandTag: "SELECT 1")
            }
            return PGResult(columns: [], rows: [], commandTag: "OK")
        })
        let host = await loadedHost(pluginSettings(lua: ["\(lua)/proxysql_rewire.lua"]), services: services)
        let outcome = await host.run(.postFailover, event: recoveryEvent(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
        #expect(outcome.failed)
        #expect(outcome.steps.first?.contains("is not exactly 10.0.0.2:5432") == true)
        #expect(!statements.elements.contains("SAVE PGSQL SERVERS TO DISK"))
        #expect(!statements.elements.contains { $0.contains("hostgroup_id=20") || $0.contains("(20,") }, "no reader hostgroup configured")
    }

    @Test func lagVetoRefusesACandidateTooFarBehind() async throws {
        let host = await loadedHost(pluginSettings(lua: ["\(lua)/prefailover_lag_veto.lua"]))
        let candidate = InstanceAddress(host: "10.0.0.2", port: 5432)
        let far = await host.run(.preFailover, event: recoveryEvent(candidate: candidate, failedLSN: LSN("1/0"), candidateLSN: LSN("0/F0000000")))
        #expect(far.veto?.contains("candidate 10.0.0.2:5432 is 268435456 bytes behind") == true, "\(far)")
        let close = await host.run(.preFailover, event: recoveryEvent(candidate: candidate, failedLSN: LSN("1/0"), candidateLSN: LSN("0/FFF00000")))
        #expect(close.veto == nil && !close.failed)
        let unknown = await host.run(.preFailover, event: recoveryEvent(candidate: candidate, failedLSN: nil, candidateLSN: nil))
        #expect(unknown.veto == nil)
        #expect(host.status().plugins.first?.criticalPoints == ["pre_failover"])
    }

    @Test func clusterNamePolicyUsesTheSettingThenTheHostConvention() async throws {
        let host = await loadedHost(pluginSettings(lua: ["\(lua)/cluster_name_policy.lua"]))
        func event(_ host: String, setting: String) -> ClusterNameEvent {
            ClusterNameEvent(clusterName: "\(host):5432", primary: InstanceAddress(host: host, port: 5432), clusterNameSetting: setting,
                             systemIdentifier: "1", members: [])
        }
        #expect(await host.clusterName(for: event("pg-payments-1.db.example.com", setting: "billing")) == "billing")
        #expect(await host.clusterName(for: event("pg-payments-1.db.example.com", setting: "")) == "payments")
        #expect(await host.clusterName(for: event("10.0.0.1", setting: "")) == nil)
    }

    @Test func notifyHookAppendsALinePerFailover() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["ORC_NOTIFY_FILE"] = "\(scratch.path)/failovers.log"
        let host = await loadedHost(pluginSettings(directories: ["\(examplesDirectory)/hooks.d"]), services: testServices(environment: environment))
        let outcome = await host.run(.postFailover, event: recoveryEvent(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
        #expect(!outcome.failed, "\(outcome.steps)")
        let line = scratch.read("failovers.log")
        #expect(line.hasSuffix(" failover rec-1 cluster=10.0.0.1:5432 alias=payments failed=10.0.0.1:5432 successor=10.0.0.2:5432 lost=\n"), "\(line)")
    }
}

import Foundation
import Host
import PGTestKit
import Testing

@Suite("Topology read API through the orchestrator daemon")
struct TopologyAPITests {
    @Test("discover, instance, all-instances, clusters, cluster, forget: Orchestrator's shapes")
    func endToEnd() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let config = try TemporaryFile("""
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "${ORC_TEST_PG_PASSWORD}",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1,
                 "DiscoverySeeds": ["\(topology.standbys[1])"],
                 "ClusterNameToAlias": {"^nothing-matches$": "x"},
                 "DetectClusterAliasQuery": "SELECT 'sales-' || current_setting('cluster_name')"}
                """)
            setenv("ORC_TEST_PG_PASSWORD", TestCredentials.password, 1)
            let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let base = "http://127.0.0.1:\(port)/api"
            _ = try await daemon.get("\(base)/health")

            // Explicit discovery of the others (they are on their own ports).
            for server in [topology.primary, topology.standbys[0]] {
                let (status, body) = try await OrchestratorProcess.request("\(base)/discover/\(server.host)/\(server.port)")
                #expect(status == 200)
                let envelope = try object(body)
                #expect(envelope["Code"] as? String == "OK")
                #expect(envelope["Message"] as? String == "Instance discovered: \(server)")
                let details = try #require(envelope["Details"] as? [String: Any])
                #expect((details["Key"] as? [String: Any])?["Port"] as? Int == server.port)
            }
            let cluster = topology.primary.description
            try await eventually {
                let all = try json(try await daemon.get("\(base)/all-instances")) as? [[String: Any]]
                return all?.count == 3 && all!.allSatisfy { ($0["ClusterName"] as? String) == cluster && ($0["IsLastCheckValid"] as? Bool) == true }
            }

            let primary = try #require(try json(try await daemon.get("\(base)/instance/\(topology.primary.host)/\(topology.primary.port)")) as? [String: Any])
            #expect(primary["ReadOnly"] as? Bool == false)
            #expect(primary["ReplicationDepth"] as? Int == 0)
            #expect((primary["Replicas"] as? [[String: Any]])?.count == 2)
            #expect(primary["FlavorName"] as? String == "PostgreSQL")
            #expect(primary["ProviderType"] as? String == "postgresql")
            #expect((primary["CurrentLSN"] as? String)?.contains("/") == true)
            #expect(primary["Timeline"] as? Int == 1)
            #expect((primary["SystemIdentifier"] as? String)?.isEmpty == false)
            #expect(primary["SuggestedClusterAlias"] as? String == "sales-\(topology.primary.name)")
            for field in ["Key", "MasterKey", "SecondsBehindMaster", "ReplicationLagSeconds", "IsUpToDate", "LastSeenTimestamp",
                          "SecondsSinceLastSeen", "IsDowntimed", "PromotionRule", "Problems", "SlaveHosts", "Version"] {
                #expect(primary[field] != nil, "Instance has no \(field)")
            }

            let standby = try #require(try json(try await daemon.get("\(base)/instance/\(topology.standbys[0].host)/\(topology.standbys[0].port)")) as? [String: Any])
            #expect(standby["ReadOnly"] as? Bool == true)
            #expect(standby["ReplicationDepth"] as? Int == 1)
            #expect((standby["MasterKey"] as? [String: Any])?["Port"] as? Int == topology.primary.port)
            #expect(standby["ReplicationIOThreadRuning"] as? Bool == true)
            #expect(standby["SyncState"] as? String == "async")
            #expect((standby["ReplicationLagSeconds"] as? [String: Any])?["Valid"] as? Bool == true)
            #expect((standby["PrimaryConnInfo"] as? String)?.contains(TestCredentials.replicationPassword) == false)

            #expect(try json(try await daemon.get("\(base)/clusters")) as? [String] == [cluster])
            for hint in [cluster, "sales-\(topology.primary.name)", topology.standbys[1].description] {
                let members = try json(try await daemon.get("\(base)/cluster/\(hint)")) as? [[String: Any]]
                #expect(members?.count == 3, "cluster hint \(hint)")
            }

            // Errors: unknown instance and cluster get the ERROR envelope; bad ports a 400.
            let unknown = try await OrchestratorProcess.request("\(base)/instance/127.0.0.1/1")
            #expect(unknown.status == 500)
            #expect(try object(unknown.body)["Code"] as? String == "ERROR")
            let badPort = try await OrchestratorProcess.request("\(base)/instance/127.0.0.1/70000")
            #expect(badPort.status == 400)
            #expect((try object(badPort.body)["Message"] as? String)?.contains("Invalid port") == true)
            #expect(try await OrchestratorProcess.request("\(base)/cluster/no-such-cluster").status == 500)

            let forgot = try object(try await daemon.get("\(base)/forget/\(topology.standbys[0].host)/\(topology.standbys[0].port)"))
            #expect(forgot["Code"] as? String == "OK")
            let remaining = try json(try await daemon.get("\(base)/all-instances")) as? [[String: Any]]
            #expect(remaining?.count == 2)

            let metrics = String(decoding: try await daemon.get("http://127.0.0.1:\(port)/metrics"), as: UTF8.self)
            for name in ["orchestrator_discoveries_total", "orchestrator_discovery_errors_total", "orchestrator_instances_total",
                         "orchestrator_clusters_total", "orchestrator_probe_duration_seconds_bucket"] {
                #expect(metrics.contains(name), "/metrics has no \(name)")
            }
            #expect(metrics.contains("orchestrator_instances_total 2.0"))

            ChildProcess.signal(daemon.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
            #expect(!daemon.output().contains(TestCredentials.password))
        }
    }
}

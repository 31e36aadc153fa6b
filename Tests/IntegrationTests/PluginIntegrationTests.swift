import Foundation
import HookAPI
import Host
import Logging
import PGTestKit
import ServiceLifecycle
import Testing

@Suite("Plugins against real PostgreSQL servers")
struct PluginIntegrationTests {
    private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("plugins").path

    @Test("discovery annotations, cluster-name policy, and orc.sql / orc.topology / orc.instance in-process")
    func inProcess() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let annotate = "\(directory)/annotate.lua"
            try """
                orc.on("discovery", function(ev)
                  if ev.role == "standby" then
                    return {alias = "standby-" .. ev.instance.port, promotion_rule = "prefer_not", tags = {upstream = ev.upstream.host .. ":" .. ev.upstream.port}}
                  end
                  return {alias = "primary-" .. ev.instance.port}
                end)
                """.write(toFile: annotate, atomically: true, encoding: .utf8)
            let inspect = "\(directory)/inspect.lua"
            try """
                orc.on("analysis", function(ev)
                  local r = orc.sql(ev.instance.host, ev.instance.port, "SELECT $1::int + 1 AS n, current_setting('cluster_name') AS c", 41)
                  local t = orc.topology()
                  local me = orc.instance(ev.instance.host, ev.instance.port)
                  return {raise = "Inspected", reason = table.concat({r.rows[1].n, r.rows[1].c, #t.instances, #t.clusters,
                    t.clusters[1].alias, me.role, me.alias, tostring(orc.instance("127.0.0.1", 1))}, ",")}
                end)
                """.write(toFile: inspect, atomically: true, encoding: .utf8)
            let configuration = try DiscoveryFixture.configuration(seeds: topology.servers, extra: [
                "LuaScripts": [annotate, inspect, "\(examples)/lua/cluster_name_policy.lua"],
            ])
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let plugins = PluginHost(settings: configuration.plugins,
                                     services: .live(configuration: configuration, topology: nil, logger: logger), logger: logger)
            let backend = try Backend.open(path: configuration.backend.sqlite3DataFile)
            let service = TopologyService(configuration: configuration, backend: backend, logger: logger, plugins: plugins)
            plugins.attach(topology: service.state)
            let status = await plugins.reload()
            #expect(status.warnings.isEmpty, "\(status.warnings)")
            let naming = ClusterNaming(state: service.state, plugins: plugins, interval: .milliseconds(100))
            let group = ServiceGroup(configuration: .init(services: [service, naming], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                let cluster = topology.primary.description
                try await DiscoveryFixture.waitUntil(service, "both instances annotated and the cluster aliased") { snapshot in
                    snapshot.records.count == 2 && snapshot.records.values.allSatisfy { $0.annotation != nil }
                        && snapshot.pluginClusterAliases[cluster] == topology.primary.name
                }
                let snapshot = await service.state.snapshot()
                let standby = try #require(snapshot.records[topology.standbys[0].key])
                #expect(standby.annotation == InstanceAnnotation(alias: "standby-\(topology.standbys[0].port)", promotionRule: .preferNot,
                                                                 tags: ["upstream": cluster]))
                #expect(snapshot.records[topology.primary.key]?.annotation?.alias == "primary-\(topology.primary.port)")

                let answer = await plugins.review(analysis: AnalysisEvent(
                    code: "StandbyLagging", description: "", instance: InstanceAddress(host: topology.standbys[0].host, port: topology.standbys[0].port),
                    clusterName: cluster))
                #expect(answer == .raise(code: "Inspected", reason: "\(inspect): 42,\(topology.standbys[0].name),2,1,\(topology.primary.name),standby,standby-\(topology.standbys[0].port),nil"))
                await group.triggerGracefulShutdown()
            }
        }
    }

    @Test("a discovery plugin that ignores an instance keeps it out of the topology")
    func ignoredAtDiscovery() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createDirectory(atPath: "\(directory)/hooks/discovery", withIntermediateDirectories: true)
            let hook = "\(directory)/hooks/discovery/10-ignore-standbys"
            try ScriptFile.write("#!/bin/sh\n[ \"$ORC_INSTANCE_ROLE\" = standby ] && echo '{\"ignore\": \"standbys are managed elsewhere\"}'\nexit 0\n",
                                 to: hook)
            let configuration = try DiscoveryFixture.configuration(seeds: [], extra: ["HookDirectories": ["\(directory)/hooks"]])
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let plugins = PluginHost(settings: configuration.plugins,
                                     services: .live(configuration: configuration, topology: nil, logger: logger), logger: logger)
            await plugins.reload()
            let service = TopologyService(configuration: configuration, backend: try Backend.open(path: configuration.backend.sqlite3DataFile),
                                          logger: logger, plugins: plugins)
            guard case .success = await service.discover(topology.primary.key, as: .anything) else {
                Issue.record("the primary was not discovered")
                return
            }
            guard case .failure(let error) = await service.discover(topology.standbys[0].key, as: .anything) else {
                Issue.record("the standby joined although the plugin ignores it")
                return
            }
            #expect(error.message == "ignored by a discovery plugin: \(hook): standbys are managed elsewhere")
            #expect(await service.state.keys == [topology.primary.key])
        }
    }

    @Test("the daemon loads plugins, serves /api/plugins, reloads on the API and SIGHUP, shows plugin aliases")
    func daemon() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-api-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.createDirectory(atPath: "\(dir)/hooks/discovery", withIntermediateDirectories: true)
            let config = try TemporaryFile("""
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1,
                 "DiscoverySeeds": ["\(topology.primary)", "\(topology.standbys[0])"],
                 "LuaScripts": ["\(examples)/lua/cluster_name_policy.lua"],
                 "HookDirectories": ["\(dir)/hooks"]}
                """)
            try ScriptFile.write("#!/bin/sh\necho '{\"promotion_rule\": \"prefer\"}'\n", to: "\(dir)/hooks/discovery/10-prefer")
            let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let base = "http://127.0.0.1:\(port)/api"

            let loaded = try object(try await daemon.get("\(base)/plugins"))
            #expect((loaded["Plugins"] as? [[String: Any]])?.map { $0["Name"] as? String } == [
                "\(examples)/lua/cluster_name_policy.lua", "\(dir)/hooks/discovery/10-prefer",
            ])
            #expect(loaded["Generation"] as? Int == 1)

            // The cluster-name policy's alias reaches the API and resolves as a cluster hint.
            let alias = topology.primary.name
            try await eventually {
                let instances = try JSONSerialization.jsonObject(with: try await daemon.get("\(base)/all-instances")) as? [[String: Any]]
                return instances?.count == 2 && instances!.allSatisfy { $0["SuggestedClusterAlias"] as? String == alias }
            }
            let members = try JSONSerialization.jsonObject(with: try await daemon.get("\(base)/cluster/\(alias)")) as? [[String: Any]]
            #expect(members?.count == 2)
            #expect(members?.allSatisfy { $0["PromotionRule"] as? String == "prefer" } == true)

            // A new drop-in appears after /api/reload-configuration, another after SIGHUP.
            try ScriptFile.write("#!/bin/sh\nexit 0\n", to: "\(dir)/hooks/discovery/20-new")
            let reloaded = try object(try await daemon.get("\(base)/reload-configuration"))
            #expect(reloaded["Code"] as? String == "OK")
            #expect(((reloaded["Details"] as? [String: Any])?["Plugins"] as? [Any])?.count == 3)
            try "-- nothing\norc.on('post_failover', function() end)\n".write(toFile: "\(dir)/hooks/discovery/30-sighup.lua", atomically: true, encoding: .utf8)
            ChildProcess.signal(daemon.pid, SIGHUP)
            try await eventually {
                let status = try object(try await daemon.get("\(base)/plugins"))
                return status["Generation"] as? Int == 3
            }
            let status = try object(try await daemon.get("\(base)/plugins"))
            #expect((status["Plugins"] as? [Any])?.count == 4)
            #expect((status["Warnings"] as? [String])?.contains { $0.contains("30-sighup.lua: handler for post_failover ignored") } == true)
            let prefer = (status["Plugins"] as? [[String: Any]])?.first { ($0["Name"] as? String)?.hasSuffix("10-prefer") == true }
            #expect((prefer?["LastResult"] as? [String: Any])?["Answer"] as? String == "annotate: promotion_rule=prefer")

            ChildProcess.signal(daemon.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
            #expect(!daemon.output().contains(TestCredentials.password))
        }
    }
}

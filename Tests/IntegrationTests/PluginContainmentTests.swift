import Foundation
import Host
import PGTestKit
import Testing

/// Issue 11, outcome 6 (review F9): plugins cannot take the daemon down. With a script whose
/// top level never finishes in time, a handler stuck in one long C call, a pathological
/// pattern and an absurd `orc.run` timeout all present, the daemon starts, answers, writes the
/// stuck ones off, and still fails over a real PostgreSQL primary.
@Suite("Plugin containment through the daemon")
struct PluginContainmentTests {
    func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a daemon with broken plugins starts, answers, writes them off and fails over anyway")
    func brokenPluginsDoNotStopAFailover() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-containment-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // One long C call (allowed by the pattern caps, far past the 1 s deadline).
            let stuckCall = #"local s = ("a"):rep(60000); s:find(".-b")"#
            try ScriptFile.write(stuckCall + "\norc.on('post_failover', function() end)\n", to: "\(dir)/stuck-top-level.lua", executable: false)
            try ScriptFile.write("""
                orc.on("pre_failover", function(ev) \(stuckCall) end)
                """, to: "\(dir)/hooks/pre_failover/10-stuck.lua", executable: false)
            try ScriptFile.write("""
                orc.on("pre_failover", function(ev)
                  orc.run({"/bin/true"}, {timeout = math.huge})
                  orc.run({"/bin/true"}, {timeout = 0/0})
                  return string.rep("a", 3e5):find(".-b")
                end)
                """, to: "\(dir)/hooks/pre_failover/20-pathological.lua", executable: false)
            let config = try TemporaryFile("""
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1,
                 "DiscoverySeeds": ["\(topology.primary)", "\(topology.standbys[0])"],
                 "RecoverMasterClusterFilters": [".*"], "PluginTimeoutSeconds": 1,
                 "LuaScripts": ["\(dir)/stuck-top-level.lua"], "HookDirectories": ["\(dir)/hooks"]}
                """)
            let started = ContinuousClock.now
            let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let base = "http://127.0.0.1:\(port)/api"
            try await eventually(timeout: .seconds(20)) { (try? await OrchestratorProcess.request("\(base)/health").status) == 200 }
            #expect(ContinuousClock.now - started < .seconds(15), "the start did not wait for the stuck script")

            let plugins = try object(try await daemon.get("\(base)/plugins"))
            let disabled = plugins["Disabled"] as? [[String: Any]] ?? []
            #expect(disabled.contains { $0["Source"] as? String == "\(dir)/stuck-top-level.lua" && ($0["Reason"] as? String)?.contains("written off") == true },
                    "\(plugins)")

            try await eventually(timeout: .seconds(30)) {
                (try JSONSerialization.jsonObject(with: try await daemon.get("\(base)/all-instances")) as? [Any])?.count == 2
            }
            await topology.primary.killPostmaster()
            try await eventually(timeout: .seconds(60)) {
                let recoveries = try JSONSerialization.jsonObject(with: try await daemon.get("\(base)/audit-recovery")) as? [[String: Any]]
                return recoveries?.first?["IsSuccessful"] as? Bool == true
            }
            #expect(try await !RecoveryFixture.isInRecovery(topology.standbys[0]), "the standby was promoted")
            let after = try object(try await daemon.get("\(base)/plugins"))
            #expect((after["Disabled"] as? [[String: Any]])?.contains { $0["Source"] as? String == "\(dir)/hooks/pre_failover/10-stuck.lua" } == true,
                    "\(after)")
            ChildProcess.signal(daemon.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
        }
    }
}

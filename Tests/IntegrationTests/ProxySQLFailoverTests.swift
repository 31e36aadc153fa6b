import Builtins
import Foundation
import HookAPI
import Host
import PGTestKit
import Testing

/// A real failover rewires ProxySQL (the stand-in, see docs/testing-proxysql.md): with the
/// built-in plugin and with the Lua example users copy.
@Suite("ProxySQL rewired by a real failover")
struct ProxySQLFailoverTests {
    static let writer = 10, reader = 20

    /// The state before the failure: the primary writes, the standbys read.
    static func seed(_ standIn: ProxySQLStandIn, _ topology: PGTopology) async throws {
        try await standIn.execute("INSERT INTO pgsql_servers (hostgroup_id, hostname, port) VALUES (\(writer), '\(topology.primary.host)', \(topology.primary.port))")
        for standby in topology.standbys {
            try await standIn.execute("INSERT INTO pgsql_servers (hostgroup_id, hostname, port) VALUES (\(reader), '\(standby.host)', \(standby.port))")
        }
        try await standIn.execute("LOAD PGSQL SERVERS TO RUNTIME")
    }

    /// Kills the primary, waits for the recovery and its post-failover plugins, and checks
    /// ProxySQL's runtime: the successor is the only writer, the old primary gone.
    static func failOverAndCheck(_ topology: PGTopology, _ standIn: ProxySQLStandIn, extra: [String: Any], builtins: Bool) async throws {
        var json = extra
        json["ProxySQL"] = [["Address": "127.0.0.1", "Port": standIn.port, "User": standIn.user, "Password": standIn.password,
                             "WriterHostgroup": writer, "ReaderHostgroup": reader, "SSLMode": "disable", "TimeoutSeconds": 10]]
        let config = try RecoveryFixture.configuration(topology, extra: json)
        try await DiscoveryFixture.run(config, recovering: true, builtins: builtins ? BuiltinPlugins.all(config) : []) { service, _, backend in
            try await RecoveryFixture.waitUntilSettled(service, topology)
            await topology.primary.killPostmaster()
            let record = try await RecoveryFixture.waitForEndedRecovery(backend)
            #expect(record.isSuccessful, "\(record.errors)")
            let successor = try #require(record.successor)
            var steps: [String] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while !steps.contains(where: { $0.contains("plugin postFailover") }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                steps = try await backend.recoverySteps(record.uid).map(\.message)
            }
            let pluginSteps = steps.filter { $0.contains("plugin postFailover") }
            #expect(pluginSteps.count == 1 && pluginSteps.allSatisfy { $0.contains(": continue") }, "\(pluginSteps)")
            let runtime = try await standIn.rows("runtime_pgsql_servers").map { ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "", $0[3] ?? "") }
            let writers = runtime.filter { $0.0 == String(writer) }
            #expect(writers.map { "\($0.1):\($0.2)" } == [successor.description], "\(runtime)")
            #expect(writers.allSatisfy { $0.3 == "ONLINE" })
            #expect(!runtime.contains { $0.1 == topology.primary.host && $0.2 == String(topology.primary.port) && $0.3 == "ONLINE" },
                    "the old primary serves nothing: \(runtime)")
            let configured = try await standIn.rows("pgsql_servers")
            #expect(configured.contains { $0[1] == topology.primary.host && $0[2] == String(topology.primary.port) && $0[3] == "OFFLINE_HARD" },
                    "the old primary is fenced in the configuration: \(configured)")
            let other = try #require(topology.standbys.first { $0.key != successor })
            #expect(runtime.contains { $0.0 == String(reader) && $0.1 == other.host && $0.2 == String(other.port) && $0.3 == "ONLINE" },
                    "the remaining standby still serves reads: \(runtime)")
        }
    }

    @Test("the built-in plugin: the successor becomes the writer, the old primary is fenced, readers stay")
    func builtin() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            try await ProxySQLStandIn.with { standIn in
                try await Self.seed(standIn, topology)
                try await Self.failOverAndCheck(topology, standIn, extra: [:], builtins: true)
            }
        }
    }

    @Test("the Lua example plugins/lua/proxysql_rewire.lua does the same")
    func luaExample() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("plugins/lua/proxysql_rewire.lua").path
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            try await ProxySQLStandIn.with { standIn in
                try await Self.seed(standIn, topology)
                try await Self.failOverAndCheck(topology, standIn, extra: ["LuaScripts": [script]], builtins: false)
            }
        }
    }
}

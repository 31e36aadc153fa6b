import Foundation
import HookAPI
import Host
import PGClient
import Testing

/// Each example in `plugins/` is loaded as users would load it and exercised.
@Suite struct PluginExampleTests {
    private let lua = "\(examplesDirectory)/lua"

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

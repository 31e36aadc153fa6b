import Foundation
import HookAPI
@testable import Host
import Testing

@Suite("ClusterNaming: the cluster-name policy")
struct ClusterNamingTests {
    let p = InstanceKey(host: "10.0.0.1", port: 5432)
    let s1 = InstanceKey(host: "10.0.0.2", port: 5432)

    private func topology() async -> TopologyState {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"], applicationName: "payments"),
                              latency: 0, as: .anything)
        return state
    }

    @Test("asks once per set of facts, again when they change or after a reload; the alias reaches the API's view")
    func asksWhenFactsChange() async throws {
        let state = await topology()
        let plugin = ClosurePlugin("namer", [.clusterName]) { event in
            guard case .clusterName(let cluster) = event else { return .proceed }
            return .alias("\(cluster.clusterNameSetting)-\(cluster.members.count)")
        }
        let host = await loadedHost(builtins: [plugin], pluginSettings())
        let naming = ClusterNaming(state: state, plugins: host)
        var memory = ClusterNaming.Memory()
        await naming.refresh(&memory)
        await naming.refresh(&memory)
        #expect(plugin.seen.elements.count == 1)
        var snapshot = await state.snapshot()
        #expect(snapshot.pluginClusterAliases == ["10.0.0.1:5432": "payments-1"])
        #expect(ClusterAliases.alias(of: "10.0.0.1:5432", in: snapshot, configuration: Configuration()) == "payments-1")

        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        await naming.refresh(&memory)
        #expect(plugin.seen.elements.count == 2)
        snapshot = await state.snapshot()
        #expect(snapshot.pluginClusterAliases["10.0.0.1:5432"] == "payments-2")

        await host.reload()
        await naming.refresh(&memory)
        #expect(plugin.seen.elements.count == 3)

        // An explicit ClusterNameToAlias rule still wins over the plugin.
        var configuration = Configuration()
        configuration.clusters.nameToAlias = [.init(pattern: "^10\\.0\\.0\\.1", alias: "configured")]
        #expect(ClusterAliases.alias(of: "10.0.0.1:5432", in: snapshot, configuration: configuration) == "configured")
    }

    @Test("a failing plugin keeps the previous alias and is asked again after the retry delay")
    func failureKeepsAlias() async throws {
        let state = await topology()
        let failing = Recorder<Bool>()
        failing.append(false)
        let plugin = ClosurePlugin("flaky", [.clusterName]) { _ in
            if failing.elements.last == true { throw PluginTestFailure(description: "CMDB down") }
            return .alias("payments")
        }
        let host = await loadedHost(builtins: [plugin], pluginSettings())
        let naming = ClusterNaming(state: state, plugins: host, retryAfter: .zero)
        var memory = ClusterNaming.Memory()
        await naming.refresh(&memory)
        failing.append(true)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        await naming.refresh(&memory)
        #expect(await state.snapshot().pluginClusterAliases["10.0.0.1:5432"] == "payments")
        #expect(plugin.seen.elements.count == 2)
        await naming.refresh(&memory)
        #expect(plugin.seen.elements.count == 3, "retried while failing")
        failing.append(false)
        await naming.refresh(&memory)
        await naming.refresh(&memory)
        #expect(plugin.seen.elements.count == 4, "not asked again once answered")
    }

    @Test("forgotten clusters lose their alias")
    func forgottenCluster() async throws {
        let state = await topology()
        let host = await loadedHost(builtins: [ClosurePlugin("namer", [.clusterName]) { _ in .alias("payments") }], pluginSettings())
        let naming = ClusterNaming(state: state, plugins: host)
        var memory = ClusterNaming.Memory()
        await naming.refresh(&memory)
        _ = await state.forgetCluster("10.0.0.1:5432")
        await naming.refresh(&memory)
        #expect(await state.snapshot().pluginClusterAliases.isEmpty)
    }
}

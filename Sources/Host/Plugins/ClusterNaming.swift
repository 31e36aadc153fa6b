import Foundation
import HookAPI
import ServiceLifecycle

/// The cluster-name policy: asks the `clusterName` plugins for each cluster's alias whenever
/// the cluster's facts change (new cluster, another primary, members, `cluster_name`,
/// detected alias) or the plugins were reloaded, and hands the aliases to `TopologyState`,
/// where the API and recovery filters read them (`ClusterAliases`).
///
/// It watches snapshots on its own tick instead of hooking into probing, so a slow plugin
/// never delays a probe. A plugin failure keeps the cluster's previous alias and is retried
/// after `retryAfter`.
package final class ClusterNaming: Service, Sendable {
    private let state: TopologyState
    private let plugins: PluginHost
    private let interval: Duration
    private let retryAfter: Duration

    package init(state: TopologyState, plugins: PluginHost, interval: Duration = .seconds(1), retryAfter: Duration = .seconds(60)) {
        self.state = state
        self.plugins = plugins
        self.interval = interval
        self.retryAfter = retryAfter
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var memory = Memory()
            while !Task.isCancelled {
                await self.refresh(&memory)
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// What was asked, per cluster, and under which plugin generation.
    struct Memory {
        var asked: [String: ClusterNameEvent] = [:]
        var retryAt: [String: ContinuousClock.Instant] = [:]
        var aliases: [String: String] = [:]
        var generation = -1
    }

    /// One pass: asks about every cluster whose facts changed; publishes the aliases.
    func refresh(_ memory: inout Memory) async {
        let generation = plugins.generation
        if generation != memory.generation {
            memory.asked = [:]
            memory.retryAt = [:]
            memory.generation = generation
        }
        let events = Self.events(in: await state.snapshot())
        let now = ContinuousClock.now
        for event in events {
            let name = event.clusterName
            let due = memory.retryAt[name].map { now >= $0 } ?? false
            guard memory.asked[name] != event || due else { continue }
            let (alias, failed) = await plugins.nameCluster(event)
            memory.asked[name] = event
            if failed {
                memory.retryAt[name] = now + retryAfter
            } else {
                memory.retryAt[name] = nil
                memory.aliases[name] = alias
            }
        }
        let current = Set(events.map(\.clusterName))
        memory.asked = memory.asked.filter { current.contains($0.key) }
        memory.aliases = memory.aliases.filter { current.contains($0.key) }
        await state.setPluginClusterAliases(memory.aliases)
    }

    /// One event per cluster whose primary has been probed.
    static func events(in snapshot: TopologySnapshot) -> [ClusterNameEvent] {
        snapshot.graph.clusterNames.compactMap { name in
            let members = snapshot.graph.members(of: name)
            guard let root = members.first(where: { snapshot.graph.nodes[$0]?.depth == 0 }),
                  let probe = snapshot.records[root]?.probe else { return nil }
            return ClusterNameEvent(
                clusterName: name, primary: InstanceAddress(host: root.host, port: root.port),
                clusterNameSetting: probe.settings.clusterName, systemIdentifier: probe.systemIdentifier,
                members: members.map { InstanceAddress(host: $0.host, port: $0.port) },
                detectedAlias: probe.detectedClusterAlias)
        }
    }
}

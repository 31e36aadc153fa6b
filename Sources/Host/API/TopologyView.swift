/// One snapshot of the topology as the API presents it: instances in Orchestrator's shape,
/// clusters by name, alias or member, cluster summaries. Both API versions read through it,
/// so v1 and v2 answers agree.
struct TopologyView: Sendable {
    let snapshot: TopologySnapshot
    let configuration: Configuration
    /// Active downtimes by canonical key (`IsDowntimed` and friends on each instance).
    var downtimes: [InstanceKey: Downtime] = [:]

    func record(_ key: InstanceKey) -> InstanceRecord? { snapshot.records[snapshot.canonical(key)] }

    /// The record of `key`, or a not-found refusal that says what to do.
    func requireRecord(_ key: InstanceKey) throws -> InstanceRecord {
        guard let record = record(key) else {
            throw APIError.notFound("Instance \(key) is not known; discover it first (/api/discover/\(key.host)/\(key.port))")
        }
        return record
    }

    func instance(_ record: InstanceRecord) -> InstanceJSON {
        InstanceJSON(record, in: snapshot, clusterAlias: alias(of: snapshot.graph.nodes[record.key]?.clusterName ?? ""),
                     pollSeconds: configuration.discovery.instancePollSeconds, downtime: downtimes[record.key])
    }

    func instances(_ keys: [InstanceKey]) -> [InstanceJSON] {
        keys.compactMap { snapshot.records[$0] }.map(instance)
    }

    var allInstances: [InstanceJSON] { instances(snapshot.records.keys.sorted()) }

    func alias(of cluster: String) -> String {
        ClusterAliases.alias(of: cluster, in: snapshot, configuration: configuration)
    }

    var clusterNames: [String] { snapshot.graph.clusterNames }

    /// A cluster name, an alias, or `host:port` of any member (also under another spelling).
    func cluster(_ hint: String) -> String? {
        let names = snapshot.graph.clusterNames
        if names.contains(hint) { return hint }
        if let byAlias = names.first(where: { alias(of: $0) == hint }) { return byAlias }
        if let key = InstanceKey(parsing: hint, defaultPort: configuration.postgresql.defaultInstancePort) {
            return snapshot.graph.nodes[snapshot.canonical(key)]?.clusterName
        }
        return nil
    }

    func requireCluster(_ hint: String) throws -> String {
        guard let name = cluster(hint) else {
            throw APIError.notFound("Unknown cluster \"\(APIParameters.visible(hint))\": give a cluster name, an alias or host:port of a member (see /api/clusters)")
        }
        return name
    }

    func members(of cluster: String) -> [InstanceKey] { snapshot.graph.members(of: cluster) }

    /// The cluster's primary: its root, when the root is not in recovery.
    func primary(of cluster: String) -> InstanceRecord? {
        members(of: cluster).lazy
            .filter { snapshot.graph.nodes[$0]?.depth == 0 }
            .compactMap { snapshot.records[$0] }
            .first { $0.probe?.isPrimary == true }
    }

    func clusterInfo(_ name: String) -> ClusterInfoJSON {
        let alias = alias(of: name)
        let members = members(of: name)
        let lags = members.compactMap { snapshot.records[$0]?.probe?.lagSeconds }
        let recovery = configuration.recovery
        return ClusterInfoJSON(
            clusterName: name, clusterAlias: alias, countInstances: members.count,
            heuristicLag: Int64(saturating: lags.max() ?? 0),
            hasAutomatedMasterRecovery: recovery.recoverPrimaryClusterFilters.matches(name: name, alias: alias),
            hasAutomatedIntermediateMasterRecovery: recovery.recoverIntermediatePrimaryClusterFilters.matches(name: name, alias: alias),
            primary: primary(of: name)?.key, systemIdentifier: members.lazy.compactMap { snapshot.records[$0]?.probe?.systemIdentifier }.first ?? "")
    }
}

/// Route collections that answer from the live topology.
protocol TopologyReading {
    var topology: TopologyService { get }
    var configuration: Configuration { get }
}

extension TopologyReading {
    /// The topology as it is now.
    func view() async -> TopologyView {
        let snapshot = await topology.state.snapshot()
        let downtimes = await topology.activeDowntimes()
        return TopologyView(snapshot: snapshot, configuration: configuration,
                            downtimes: Dictionary(downtimes.map { (snapshot.canonical($0.key), $0) }) { first, _ in first })
    }
}

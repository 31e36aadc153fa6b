import Foundation

/// A cluster's alias: an explicit `ClusterNameToAlias` rule wins, then the alias a
/// cluster-name plugin gave, then what `DetectClusterAliasQuery` returned on the cluster's
/// primary, else none.
///
/// The last two come from data (a row a database user may write). Such an alias is refused,
/// and the cluster has none, when it already names another cluster: that cluster's name, its
/// `ClusterNameToAlias` alias, or the same data alias claimed first (plugin before query, then
/// the cluster whose primary the daemon has known longest). Otherwise one cluster could take
/// over another's API hints (`/api/cluster/alias/...`), filters and hook placeholders.
enum ClusterAliases {
    static func alias(of cluster: String, in snapshot: TopologySnapshot, configuration: Configuration) -> String {
        alias(of: cluster, in: snapshot, clusters: configuration.clusters)
    }

    static func alias(of cluster: String, in snapshot: TopologySnapshot, clusters: Configuration.Clusters) -> String {
        if let configured = clusters.alias(forClusterName: cluster) { return configured }
        guard let claim = dataClaim(of: cluster, in: snapshot) else { return "" }
        return refusal(of: claim, in: snapshot, clusters: clusters) == nil ? claim.alias : ""
    }

    /// Data aliases refused because they name another cluster: (cluster, alias, why), for the
    /// daemon to log.
    static func refusals(in snapshot: TopologySnapshot, clusters: Configuration.Clusters) -> [(cluster: String, alias: String, reason: String)] {
        snapshot.graph.clusterNames.compactMap { cluster in
            guard clusters.alias(forClusterName: cluster) == nil, let claim = dataClaim(of: cluster, in: snapshot),
                  let reason = refusal(of: claim, in: snapshot, clusters: clusters) else { return nil }
            return (cluster, claim.alias, reason)
        }
    }

    /// An alias a cluster claims from data, and how strong the claim is (lower wins).
    private struct Claim {
        var cluster: String
        var alias: String
        /// 0: a cluster-name plugin, 1: `DetectClusterAliasQuery`.
        var source: Int
        /// When the daemon first saw the cluster's primary.
        var since: Date?

        func beats(_ other: Claim) -> Bool {
            if source != other.source { return source < other.source }
            let a = since ?? .distantFuture, b = other.since ?? .distantFuture
            return a != b ? a < b : cluster < other.cluster
        }
    }

    private static func dataClaim(of cluster: String, in snapshot: TopologySnapshot) -> Claim? {
        let rootKey = InstanceKey(parsing: cluster, defaultPort: 5432).map(snapshot.canonical)
        let root = rootKey.flatMap { snapshot.records[$0] }
        if let byPlugin = snapshot.pluginClusterAliases[cluster], !byPlugin.isEmpty {
            return Claim(cluster: cluster, alias: byPlugin, source: 0, since: root?.firstSeen)
        }
        guard let root, snapshot.graph.nodes[root.key]?.depth == 0, snapshot.graph.nodes[root.key]?.clusterName == cluster,
              let detected = root.probe?.detectedClusterAlias, !detected.isEmpty else { return nil }
        return Claim(cluster: cluster, alias: detected, source: 1, since: root.firstSeen)
    }

    private static func refusal(of claim: Claim, in snapshot: TopologySnapshot, clusters: Configuration.Clusters) -> String? {
        let graph = snapshot.graph
        if claim.alias != claim.cluster, let key = InstanceKey(parsing: claim.alias, defaultPort: 5432),
           graph.nodes[snapshot.canonical(key)]?.clusterName == claim.alias {
            return "it is the name of another cluster"
        }
        // Only clusters that could claim the same alias are looked at (this runs per API read).
        if clusters.nameToAlias.contains(where: { $0.alias == claim.alias }),
           let owner = graph.clusterNames.first(where: { $0 != claim.cluster && clusters.alias(forClusterName: $0) == claim.alias }) {
            return "ClusterNameToAlias gives it to \(owner)"
        }
        var rivals = Set(snapshot.pluginClusterAliases.filter { $0.value == claim.alias }.keys)
        for (key, record) in snapshot.records where record.probe?.detectedClusterAlias == claim.alias {
            if let node = graph.nodes[key], node.depth == 0 { rivals.insert(node.clusterName) }
        }
        for other in rivals.sorted() where other != claim.cluster && clusters.alias(forClusterName: other) == nil {
            if let rival = dataClaim(of: other, in: snapshot), rival.alias == claim.alias, rival.beats(claim) {
                return "\(other) claimed it first"
            }
        }
        return nil
    }
}

/// A cluster's alias: an explicit `ClusterNameToAlias` rule wins, then the alias a
/// cluster-name plugin gave, then what `DetectClusterAliasQuery` returned on the cluster's
/// primary, else none.
enum ClusterAliases {
    static func alias(of cluster: String, in snapshot: TopologySnapshot, configuration: Configuration) -> String {
        if let configured = configuration.clusters.alias(forClusterName: cluster) { return configured }
        if let byPlugin = snapshot.pluginClusterAliases[cluster], !byPlugin.isEmpty { return byPlugin }
        let root = snapshot.graph.members(of: cluster).first { snapshot.graph.nodes[$0]?.depth == 0 }
        return root.flatMap { snapshot.records[$0]?.probe?.detectedClusterAlias } ?? ""
    }
}

/// `clusterName`: a cluster appeared or one of the facts below changed (a failover moves its
/// primary, a member joins, `cluster_name` is changed).
///
/// The cluster's name stays its primary's `host:port`: it is the identity the graph, the
/// store and recovery locks use, and two clusters must never share one. What a plugin gives
/// is the alias (`ClusterAlias` / `SuggestedClusterAlias` in the API, `ORC_FAILURE_CLUSTER_ALIAS`,
/// and what `RecoverMasterClusterFilters` entries written `alias=...` match).
///
/// Answers: `.proceed` (no opinion), `.alias(name)`; the first plugin in order that gives an
/// alias decides. An explicit `ClusterNameToAlias` rule still wins over a plugin; a plugin wins
/// over `DetectClusterAliasQuery`. A failing plugin is recorded and leaves the alias as it was.
public struct ClusterNameEvent: Sendable, Hashable, Codable {
    /// The primary's `host:port`.
    public var clusterName: String
    public var primary: InstanceAddress
    /// The primary's `cluster_name` setting (often empty).
    public var clusterNameSetting: String
    public var systemIdentifier: String
    /// Every instance of the cluster, the primary included, sorted.
    public var members: [InstanceAddress]
    /// What `DetectClusterAliasQuery` returned on the primary, if configured.
    public var detectedAlias: String?

    public init(clusterName: String, primary: InstanceAddress, clusterNameSetting: String, systemIdentifier: String,
                members: [InstanceAddress], detectedAlias: String? = nil) {
        self.clusterName = clusterName
        self.primary = primary
        self.clusterNameSetting = clusterNameSetting
        self.systemIdentifier = systemIdentifier
        self.members = members
        self.detectedAlias = detectedAlias
    }
}

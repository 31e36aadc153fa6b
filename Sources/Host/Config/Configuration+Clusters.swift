extension Configuration {
    /// Cluster aliases and per-instance metadata.
    package struct Clusters: Sendable, Equatable {
        /// `ClusterNameToAlias`, in file order (first matching rule wins).
        package var nameToAlias: [ClusterAliasRule] = []
        /// `DetectClusterAliasQuery`.
        package var detectClusterAliasQuery = ""
        /// `DetectClusterDomainQuery`.
        package var detectClusterDomainQuery = ""
        /// `DetectInstanceAliasQuery`.
        package var detectInstanceAliasQuery = ""
        /// `DetectPromotionRuleQuery`.
        package var detectPromotionRuleQuery = ""
        /// `DataCenterPattern`.
        package var dataCenterPattern = ""
        /// `RegionPattern`.
        package var regionPattern = ""
        /// `PhysicalEnvironmentPattern`.
        package var physicalEnvironmentPattern = ""
        /// `DetectDataCenterQuery`.
        package var detectDataCenterQuery = ""
        /// `DetectRegionQuery`.
        package var detectRegionQuery = ""
        /// `DetectPhysicalEnvironmentQuery`.
        package var detectPhysicalEnvironmentQuery = ""

        package init() {}

        /// The alias of the first rule whose pattern is found in `clusterName`.
        package func alias(forClusterName clusterName: String) -> String? {
            nameToAlias.first { PatternList.pattern($0.pattern, isFoundIn: clusterName) }?.alias
        }
    }

    /// One `"regex": "alias"` entry of `ClusterNameToAlias`.
    package struct ClusterAliasRule: Sendable, Equatable {
        package var pattern: String
        package var alias: String

        package init(pattern: String, alias: String) {
            self.pattern = pattern
            self.alias = alias
        }
    }
}

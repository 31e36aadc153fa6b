extension Configuration {
    /// Cluster aliases and per-instance metadata.
    public struct Clusters: Sendable, Equatable {
        /// `ClusterNameToAlias`, in file order (first matching rule wins).
        public var nameToAlias: [ClusterAliasRule] = []
        /// `DetectClusterAliasQuery`.
        public var detectClusterAliasQuery = ""
        /// `DetectClusterDomainQuery`.
        public var detectClusterDomainQuery = ""
        /// `DetectInstanceAliasQuery`.
        public var detectInstanceAliasQuery = ""
        /// `DetectPromotionRuleQuery`.
        public var detectPromotionRuleQuery = ""
        /// `DataCenterPattern`.
        public var dataCenterPattern = ""
        /// `RegionPattern`.
        public var regionPattern = ""
        /// `PhysicalEnvironmentPattern`.
        public var physicalEnvironmentPattern = ""
        /// `DetectDataCenterQuery`.
        public var detectDataCenterQuery = ""
        /// `DetectRegionQuery`.
        public var detectRegionQuery = ""
        /// `DetectPhysicalEnvironmentQuery`.
        public var detectPhysicalEnvironmentQuery = ""

        public init() {}

        /// The alias of the first rule whose pattern is found in `clusterName`.
        public func alias(forClusterName clusterName: String) -> String? {
            nameToAlias.first { PatternList.pattern($0.pattern, isFoundIn: clusterName) }?.alias
        }
    }

    /// One `"regex": "alias"` entry of `ClusterNameToAlias`.
    public struct ClusterAliasRule: Sendable, Equatable {
        public var pattern: String
        public var alias: String

        public init(pattern: String, alias: String) {
            self.pattern = pattern
            self.alias = alias
        }
    }
}

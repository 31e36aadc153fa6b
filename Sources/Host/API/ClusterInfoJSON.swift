/// Orchestrator's `ClusterInfo` (`/api/clusters-info`, `/api/cluster-info/:hint`,
/// `/api/v2/clusters`), plus the cluster's primary and system identifier.
struct ClusterInfoJSON: Encodable, Sendable {
    var clusterName: String
    var clusterAlias: String
    var clusterDomain = ""
    var countInstances: Int
    var heuristicLag: Int64
    var hasAutomatedMasterRecovery: Bool
    var hasAutomatedIntermediateMasterRecovery: Bool
    var primary: InstanceKey?
    var systemIdentifier: String

    init(clusterName: String, clusterAlias: String, countInstances: Int, heuristicLag: Int64, hasAutomatedMasterRecovery: Bool,
         hasAutomatedIntermediateMasterRecovery: Bool, primary: InstanceKey?, systemIdentifier: String) {
        self.clusterName = clusterName
        self.clusterAlias = clusterAlias
        self.countInstances = countInstances
        self.heuristicLag = heuristicLag
        self.hasAutomatedMasterRecovery = hasAutomatedMasterRecovery
        self.hasAutomatedIntermediateMasterRecovery = hasAutomatedIntermediateMasterRecovery
        self.primary = primary
        self.systemIdentifier = systemIdentifier
    }

    enum CodingKeys: String, CodingKey {
        case clusterName = "ClusterName", clusterAlias = "ClusterAlias", clusterDomain = "ClusterDomain"
        case countInstances = "CountInstances", heuristicLag = "HeuristicLag"
        case hasAutomatedMasterRecovery = "HasAutomatedMasterRecovery"
        case hasAutomatedIntermediateMasterRecovery = "HasAutomatedIntermediateMasterRecovery"
        case primary = "PrimaryKey", systemIdentifier = "SystemIdentifier"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clusterName, forKey: .clusterName)
        try c.encode(clusterAlias, forKey: .clusterAlias)
        try c.encode(clusterDomain, forKey: .clusterDomain)
        try c.encode(countInstances, forKey: .countInstances)
        try c.encode(heuristicLag, forKey: .heuristicLag)
        try c.encode(hasAutomatedMasterRecovery, forKey: .hasAutomatedMasterRecovery)
        try c.encode(hasAutomatedIntermediateMasterRecovery, forKey: .hasAutomatedIntermediateMasterRecovery)
        try c.encode(KeyJSON(primary), forKey: .primary)
        try c.encode(systemIdentifier, forKey: .systemIdentifier)
    }
}

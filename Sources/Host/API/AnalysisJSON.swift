import Foundation
import HookAPI

/// One `ReplicationAnalysis` entry in Orchestrator's shape (`/api/replication-analysis`), plus
/// PostgreSQL fields of ours (`CountStreamingReplicas`, `SystemIdentifier`, `LastLSN`).
struct AnalysisJSON: Encodable, Sendable {
    let entry: AnalysisEntry
    let clusterAlias: String

    enum CodingKeys: String, CodingKey {
        case AnalyzedInstanceKey, AnalyzedInstanceMasterKey, ClusterDetails, IsMaster, IsCoMaster, IsReadOnly,
             LastCheckValid, LastCheckPartialSuccess, CountReplicas, CountValidReplicas, CountValidReplicatingReplicas,
             CountReplicasFailingToConnectToMaster, CountDowntimedReplicas, CountLaggingReplicas, Replicas, SlaveHosts,
             Analysis, Description, StructureAnalysis, IsDowntimed, DowntimeEndTimestamp, SkippableDueToDowntime,
             IsActionableRecovery, CountStreamingReplicas, SystemIdentifier, LastLSN
    }

    struct ClusterDetails: Encodable, Sendable {
        var ClusterName: String
        var ClusterAlias: String
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let replicas = entry.replicas.map { KeyJSON($0) }
        try c.encode(KeyJSON(entry.instance), forKey: .AnalyzedInstanceKey)
        try c.encode(KeyJSON(entry.upstream), forKey: .AnalyzedInstanceMasterKey)
        try c.encode(ClusterDetails(ClusterName: entry.clusterName, ClusterAlias: clusterAlias), forKey: .ClusterDetails)
        try c.encode(entry.isPrimary, forKey: .IsMaster)
        try c.encode(false, forKey: .IsCoMaster)
        try c.encode(entry.isReadOnly, forKey: .IsReadOnly)
        try c.encode(entry.lastCheckValid, forKey: .LastCheckValid)
        try c.encode(entry.lastCheckValid, forKey: .LastCheckPartialSuccess)
        try c.encode(entry.replicas.count, forKey: .CountReplicas)
        try c.encode(entry.countValidReplicas, forKey: .CountValidReplicas)
        try c.encode(entry.countValidReplicatingReplicas, forKey: .CountValidReplicatingReplicas)
        try c.encode(entry.countValidReplicas - entry.countStreamingReplicas, forKey: .CountReplicasFailingToConnectToMaster)
        try c.encode(entry.countDowntimedReplicas, forKey: .CountDowntimedReplicas)
        try c.encode(entry.countLaggingReplicas, forKey: .CountLaggingReplicas)
        try c.encode(replicas, forKey: .Replicas)
        try c.encode(replicas, forKey: .SlaveHosts)
        try c.encode(entry.code.rawValue, forKey: .Analysis)
        try c.encode(entry.description, forKey: .Description)
        try c.encode([String](), forKey: .StructureAnalysis)
        try c.encode(entry.isDowntimed, forKey: .IsDowntimed)
        try c.encode(entry.downtimeEnd.map(InstanceJSON.timestamp), forKey: .DowntimeEndTimestamp)
        try c.encode(entry.isDowntimed, forKey: .SkippableDueToDowntime)
        try c.encode(entry.isActionable, forKey: .IsActionableRecovery)
        try c.encode(entry.countStreamingReplicas, forKey: .CountStreamingReplicas)
        try c.encode(entry.systemIdentifier, forKey: .SystemIdentifier)
        try c.encode(entry.lastLSN?.description, forKey: .LastLSN)
    }
}

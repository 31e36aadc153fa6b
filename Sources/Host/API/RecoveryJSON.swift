import Foundation
import HookAPI

/// One `TopologyRecovery` in Orchestrator's shape (`/api/audit-recovery`, `/api/v2/recoveries`),
/// plus `Status` (running, successful, failed, aborted, interrupted), `Command` and
/// `SuccessorLSN` of ours.
struct RecoveryJSON: Encodable, Sendable {
    let record: RecoveryRecord

    enum CodingKeys: String, CodingKey {
        case Id, UID, AnalysisEntry, SuccessorKey, SuccessorAlias, SuccessorBinlogCoordinates, IsActive, IsSuccessful,
             LostReplicas, ParticipatingInstanceKeys, AllErrors, RecoveryStartTimestamp, RecoveryEndTimestamp,
             ProcessingNodeHostname, ProcessingNodeToken, Acknowledged, AcknowledgedAt, AcknowledgedBy,
             AcknowledgedComment, LastDetectionId, RelatedRecoveryId, RecoveryType, Status, Command, SuccessorLSN
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.id, forKey: .Id)
        try c.encode(record.uid, forKey: .UID)
        try c.encode(AnalysisJSON(entry: record.analysis, clusterAlias: record.clusterAlias), forKey: .AnalysisEntry)
        try c.encode(record.successor.map { KeyJSON($0) }, forKey: .SuccessorKey)
        try c.encode(record.successor?.description ?? "", forKey: .SuccessorAlias)
        try c.encode(record.successorLSN.map { BinlogCoordinatesJSON(LogFile: "wal", LogPos: Int64(bitPattern: $0.value), Type: 0) },
                     forKey: .SuccessorBinlogCoordinates)
        try c.encode(record.isActive, forKey: .IsActive)
        try c.encode(record.isSuccessful, forKey: .IsSuccessful)
        try c.encode(record.lostReplicas.map { KeyJSON($0) }, forKey: .LostReplicas)
        try c.encode(record.participating.map { KeyJSON($0) }, forKey: .ParticipatingInstanceKeys)
        try c.encode(record.errors, forKey: .AllErrors)
        try c.encode(InstanceJSON.timestamp(record.startedAt), forKey: .RecoveryStartTimestamp)
        try c.encode(record.endedAt.map(InstanceJSON.timestamp) ?? "", forKey: .RecoveryEndTimestamp)
        try c.encode(record.processingNodeHostname, forKey: .ProcessingNodeHostname)
        try c.encode(record.processingNodeToken, forKey: .ProcessingNodeToken)
        try c.encode(record.acknowledged, forKey: .Acknowledged)
        try c.encode(record.acknowledgedAt.map(InstanceJSON.timestamp) ?? "", forKey: .AcknowledgedAt)
        try c.encode(record.acknowledgedBy ?? "", forKey: .AcknowledgedBy)
        try c.encode(record.acknowledgedComment ?? "", forKey: .AcknowledgedComment)
        try c.encode(0, forKey: .LastDetectionId)
        try c.encode(0, forKey: .RelatedRecoveryId)
        try c.encode(record.analysis.code == .deadIntermediatePrimary ? "IntermediateMasterRecovery" : "MasterRecovery", forKey: .RecoveryType)
        try c.encode(record.status.rawValue, forKey: .Status)
        try c.encode(record.command, forKey: .Command)
        try c.encode(record.successorLSN?.description, forKey: .SuccessorLSN)
    }
}

/// Upstream's `BinlogCoordinates`, as the fork fills it for PostgreSQL: `wal` and the LSN as
/// an integer.
struct BinlogCoordinatesJSON: Encodable, Sendable {
    var LogFile: String
    var LogPos: Int64
    var `Type`: Int
}

/// One `TopologyRecoveryStep` (`/api/audit-recovery-steps/:uid`).
struct RecoveryStepJSON: Encodable, Sendable {
    let step: RecoveryStep
    enum CodingKeys: String, CodingKey { case Id, RecoveryUID, AuditAt, Message }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step.id, forKey: .Id)
        try c.encode(step.recoveryUID, forKey: .RecoveryUID)
        try c.encode(InstanceJSON.timestamp(step.at), forKey: .AuditAt)
        try c.encode(step.message, forKey: .Message)
    }
}

/// A downtime (`/api/downtimed`), in the instance-field names Orchestrator uses.
struct DowntimeJSON: Encodable, Sendable {
    let downtime: Downtime
    enum CodingKeys: String, CodingKey { case Key, DowntimeOwner, DowntimeReason, BeginTimestamp, DowntimeEndTimestamp, IsDowntimed }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(KeyJSON(downtime.key), forKey: .Key)
        try c.encode(downtime.owner, forKey: .DowntimeOwner)
        try c.encode(downtime.reason, forKey: .DowntimeReason)
        try c.encode(InstanceJSON.timestamp(downtime.beganAt), forKey: .BeginTimestamp)
        try c.encode(InstanceJSON.timestamp(downtime.endsAt), forKey: .DowntimeEndTimestamp)
        try c.encode(true, forKey: .IsDowntimed)
    }
}

/// A recovery held back by the block period (`/api/blocked-recoveries`).
struct BlockedRecoveryJSON: Encodable, Sendable {
    let blocked: RecoveryCoordinator.BlockedRecovery
    enum CodingKeys: String, CodingKey { case FailedInstanceKey, ClusterName, Analysis, LastBlockedTimestamp, BlockingRecoveryId, Reason }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(KeyJSON(blocked.entry.instance), forKey: .FailedInstanceKey)
        try c.encode(blocked.entry.clusterName, forKey: .ClusterName)
        try c.encode(blocked.entry.code.rawValue, forKey: .Analysis)
        try c.encode(InstanceJSON.timestamp(blocked.lastBlockedAt), forKey: .LastBlockedTimestamp)
        try c.encode(blocked.blockingRecoveryUID, forKey: .BlockingRecoveryId)
        try c.encode(blocked.reason, forKey: .Reason)
    }
}

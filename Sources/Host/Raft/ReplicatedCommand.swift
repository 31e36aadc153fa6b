public import Foundation

/// A change to the state every daemon of a Raft group shares, as it travels through the log:
/// each node applies the same commands in the same order to its own backend
/// (`ReplicatedApplier`), so every node reads the same downtimes, promotion rules, switch and
/// recoveries. What a command needs that is not fixed (a time, a record's id) is decided
/// before it is logged or by the order of application, never by the node applying it.
public enum ReplicatedCommand: Sendable, Codable, Equatable {
    case beginDowntime(Downtime)
    case endDowntime(InstanceKey, at: Date)
    case registerCandidate(CandidateRegistration)
    case setRecoveriesDisabled(Bool)
    /// Registers a running recovery unless its cluster has one: the answer is the stored
    /// record or nil, the same on every node.
    case registerRecovery(RecoveryRecord)
    case updateRecovery(RecoveryRecord)
    case addRecoveryStep(uid: String, message: String, at: Date)
    case acknowledgeRecoveries(RecoveryFilter, by: String, comment: String, at: Date)
    case purgeHistory(before: Date)

    /// For logs and errors.
    public var summary: String {
        switch self {
        case .beginDowntime(let downtime): "begin downtime of \(downtime.key)"
        case .endDowntime(let key, _): "end downtime of \(key)"
        case .registerCandidate(let registration): "register candidate \(registration.key)"
        case .setRecoveriesDisabled(let disabled): disabled ? "disable global recoveries" : "enable global recoveries"
        case .registerRecovery(let record): "register recovery \(record.uid)"
        case .updateRecovery(let record): "update recovery \(record.uid)"
        case .addRecoveryStep(let uid, _, _): "step of recovery \(uid)"
        case .acknowledgeRecoveries: "acknowledge recoveries"
        case .purgeHistory: "purge history"
        }
    }
}

/// What applying a command answered (the leader hands it back to whoever submitted it).
public enum ReplicatedAnswer: Sendable, Codable, Equatable {
    case done
    /// `endDowntime`: whether there was one.
    case ended(Bool)
    /// `registerRecovery`: the stored record, nil when the cluster had an active recovery.
    case registered(RecoveryRecord?)
    /// `acknowledgeRecoveries`: the records acknowledged.
    case acknowledged([RecoveryRecord])
    /// `purgeHistory`: rows removed.
    case purged(Int)
}

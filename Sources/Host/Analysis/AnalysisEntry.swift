public import Foundation
public import HookAPI

/// One finding of the analyzer about one instance: the code and the evidence behind it.
public struct AnalysisEntry: Sendable, Equatable, Codable {
    public var code: AnalysisCode
    public var instance: InstanceKey
    /// The instance it replicates from, if any.
    public var upstream: InstanceKey?
    public var clusterName: String
    public var description: String
    public var isPrimary: Bool
    public var isReadOnly: Bool
    public var lastCheckValid: Bool
    /// Its direct standbys, and how many are reachable / reachable and streaming from it.
    public var replicas: [InstanceKey]
    public var countValidReplicas: Int
    public var countStreamingReplicas: Int
    public var countValidReplicatingReplicas: Int
    public var countLaggingReplicas: Int
    public var countDowntimedReplicas: Int
    public var isDowntimed: Bool
    public var downtimeEnd: Date?
    public var systemIdentifier: String?
    /// Its last known WAL position (current on a primary, received on a standby).
    public var lastLSN: LSN?
    /// When a probe of it last succeeded: how long an open fate is worth re-probing.
    public var lastSeen: Date? = nil

    /// Whether the recovery gates are worth asking.
    public var isActionable: Bool { code.isActionable }
}

package import Foundation
package import HookAPI

/// One finding of the analyzer about one instance: the code and the evidence behind it.
public struct AnalysisEntry: Sendable, Equatable, Codable {
    package var code: AnalysisCode
    package var instance: InstanceKey
    /// The instance it replicates from, if any.
    package var upstream: InstanceKey?
    package var clusterName: String
    package var description: String
    package var isPrimary: Bool
    package var isReadOnly: Bool
    package var lastCheckValid: Bool
    /// Its direct standbys, and how many are reachable / reachable and streaming from it.
    package var replicas: [InstanceKey]
    package var countValidReplicas: Int
    package var countStreamingReplicas: Int
    package var countValidReplicatingReplicas: Int
    package var countLaggingReplicas: Int
    package var countDowntimedReplicas: Int
    package var isDowntimed: Bool
    package var downtimeEnd: Date?
    package var systemIdentifier: String?
    /// Its last known WAL position (current on a primary, received on a standby).
    package var lastLSN: LSN?
    /// When a probe of it last succeeded: how long an open fate is worth re-probing.
    package var lastSeen: Date? = nil

    /// Whether the recovery gates are worth asking.
    package var isActionable: Bool { code.isActionable }
}

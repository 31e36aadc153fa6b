public import Foundation
public import HookAPI

/// One recovery (failover, intermediate re-point, switchover) from registration to its end:
/// what the API serves as Orchestrator's `TopologyRecovery` and what the backend keeps.
public struct RecoveryRecord: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Registered, acting now.
        case running
        /// A successor was promoted (or, for an intermediate recovery, children re-pointed).
        case successful
        /// Tried and failed; see `errors`.
        case failed
        /// Stopped before any topology change (a pre-failover hook or plugin vetoed it).
        case aborted
        /// The daemon stopped while it was running; found at the next start. Never resumed
        /// or repeated automatically: its steps say how far it got.
        case interrupted
    }

    public var id: Int64
    public var uid: String
    public var clusterName: String
    public var clusterAlias: String
    public var failed: InstanceKey
    public var analysis: AnalysisEntry
    /// Empty for an automated recovery, `recover` or `graceful-master-takeover` otherwise.
    public var command: String
    public var status: Status
    public var successor: InstanceKey?
    public var successorLSN: LSN?
    public var lostReplicas: [InstanceKey]
    public var participating: [InstanceKey]
    public var errors: [String]
    public var startedAt: Date
    public var endedAt: Date?
    public var processingNodeHostname: String
    public var processingNodeToken: String
    public var acknowledged: Bool
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    public var acknowledgedComment: String?

    public var isActive: Bool { status == .running }
    public var isSuccessful: Bool { status == .successful }

    public init(uid: String, analysis: AnalysisEntry, clusterAlias: String, command: String, startedAt: Date,
                processingNodeHostname: String, processingNodeToken: String) {
        self.id = 0
        self.uid = uid
        self.clusterName = analysis.clusterName
        self.clusterAlias = clusterAlias
        self.failed = analysis.instance
        self.analysis = analysis
        self.command = command
        self.status = .running
        self.lostReplicas = []
        self.participating = [analysis.instance]
        self.errors = []
        self.startedAt = startedAt
        self.processingNodeHostname = processingNodeHostname
        self.processingNodeToken = processingNodeToken
        self.acknowledged = false
    }
}

/// One timestamped line of a recovery's audit trail (`/api/audit-recovery-steps/:uid`).
public struct RecoveryStep: Sendable, Codable, Equatable {
    public var id: Int64
    public var recoveryUID: String
    public var at: Date
    public var message: String
}

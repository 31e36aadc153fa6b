/// What a recovery point (`preFailover`, `postFailover`, `postUnsuccessfulFailover`,
/// `preGracefulTakeover`, `postGracefulTakeover`, `demote`) knows about the recovery.
/// Shell hooks see the same facts as `ORC_*` variables and `{placeholders}`
/// (`RecoveryEvent.environment`, `.placeholders`). It never carries a password.
public struct RecoveryEvent: Sendable, Hashable, Codable {
    /// The recovery's unique id (`ORC_RECOVERY_UID`).
    public var recoveryUID: String
    /// The analysis code that triggered it, e.g. `DeadPrimary` (`ORC_FAILURE_TYPE`).
    public var failureType: String
    /// Human-readable description of the failure (`ORC_FAILURE_DESCRIPTION`).
    public var failureDescription: String
    /// What started it: empty for an automated recovery, `recover` for a manual one,
    /// `graceful-master-takeover` for a switchover (`ORC_COMMAND`).
    public var command: String
    /// `master` for a primary, `intermediate-master` for a cascading standby (`ORC_INSTANCE_TYPE`).
    public var instanceType: String
    /// The failed (or, in a switchover, the outgoing) primary.
    public var failed: InstanceAddress
    /// The cluster's name and alias (`ORC_FAILURE_CLUSTER`, `ORC_FAILURE_CLUSTER_ALIAS`).
    public var clusterName: String
    public var clusterAlias: String
    /// `pg_control_system().system_identifier` of the cluster (`ORC_CLUSTER_SYSTEM_ID`).
    public var clusterSystemIdentifier: String?
    /// The failed instance's last known WAL position (`ORC_FAILED_LSN`).
    public var failedLSN: LSN?
    /// Direct standbys of the failed instance (`ORC_REPLICA_HOSTS`, `ORC_COUNT_REPLICAS`).
    public var replicas: [InstanceAddress]
    /// Standbys that could not be re-pointed (`ORC_LOST_REPLICAS`).
    public var lostReplicas: [InstanceAddress]
    /// Whether the failed instance was downtimed (`ORC_IS_DOWNTIMED`).
    public var isDowntimed: Bool
    /// Whether automated recovery is enabled for this cluster (`ORC_AUTO_MASTER_RECOVERY`).
    public var isAutomated: Bool
    /// The host name of the daemon running the recovery (`ORC_ORCHESTRATOR_HOST`).
    public var orchestratorHost: String
    /// The promoted standby, once there is one (`ORC_SUCCESSOR_*`). At `preFailover` the
    /// coordinator sets it to the chosen candidate (not yet promoted), with `successorLSN` its
    /// received LSN, so a plugin can veto a candidate that lags too far behind `failedLSN`.
    public var successor: InstanceAddress?
    public var successorAlias: String?
    /// The successor's WAL position when it was promoted (`ORC_SUCCESSOR_LSN`).
    public var successorLSN: LSN?
    /// Whether a successor was promoted (`ORC_IS_SUCCESSFUL`).
    public var isSuccessful: Bool { successor != nil }

    public init(
        recoveryUID: String, failureType: String, failureDescription: String, command: String = "",
        instanceType: String = "master", failed: InstanceAddress, clusterName: String, clusterAlias: String,
        clusterSystemIdentifier: String? = nil, failedLSN: LSN? = nil, replicas: [InstanceAddress] = [],
        lostReplicas: [InstanceAddress] = [], isDowntimed: Bool = false, isAutomated: Bool = false,
        orchestratorHost: String, successor: InstanceAddress? = nil, successorAlias: String? = nil,
        successorLSN: LSN? = nil
    ) {
        self.recoveryUID = recoveryUID
        self.failureType = failureType
        self.failureDescription = failureDescription
        self.command = command
        self.instanceType = instanceType
        self.failed = failed
        self.clusterName = clusterName
        self.clusterAlias = clusterAlias
        self.clusterSystemIdentifier = clusterSystemIdentifier
        self.failedLSN = failedLSN
        self.replicas = replicas
        self.lostReplicas = lostReplicas
        self.isDowntimed = isDowntimed
        self.isAutomated = isAutomated
        self.orchestratorHost = orchestratorHost
        self.successor = successor
        self.successorAlias = successorAlias
        self.successorLSN = successorLSN
    }
}

/// What the analyzer concluded about one instance (SPEC §3), in PostgreSQL vocabulary.
public enum AnalysisCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Primary unreachable, every standby reachable, none still streaming from it.
    case deadPrimary = "DeadPrimary"
    /// Primary unreachable, some standbys unreachable too, no reachable one still streaming.
    case deadPrimaryAndSomeStandbys = "DeadPrimaryAndSomeStandbys"
    /// Primary and every standby unreachable: the daemon itself may be the one cut off, and
    /// there is no standby to promote anyway. Never acted on.
    case deadPrimaryAndStandbys = "DeadPrimaryAndStandbys"
    /// Primary unreachable and it has no standbys: nothing to promote.
    case deadPrimaryWithoutStandbys = "DeadPrimaryWithoutStandbys"
    /// The daemon cannot reach the primary but a standby still streams from it. The holistic
    /// rule: never a failover.
    case unreachablePrimary = "UnreachablePrimary"
    /// A cascading standby with standbys of its own is unreachable and they lost it.
    case deadIntermediatePrimary = "DeadIntermediatePrimary"
    /// Primary (or cascading standby) fine, none of its standbys streaming and replaying.
    case allStandbysNotReplicating = "AllStandbysNotReplicating"
    /// Primary (or cascading standby) fine, some of its standbys not streaming and replaying.
    case standbyNotReplicating = "StandbyNotReplicating"
    /// A standby replays more than `ReasonableReplicationLagSeconds` behind.
    case standbyLagging = "StandbyLagging"
    /// Two writable instances share one system identifier.
    case splitBrain = "SplitBrain"
    case noProblem = "NoProblem"

    /// Whether a recovery may act on it (subject to the recovery gates).
    public var isActionable: Bool {
        switch self {
        case .deadPrimary, .deadPrimaryAndSomeStandbys, .deadIntermediatePrimary: true
        default: false
        }
    }

    /// Whether it concerns a cluster's primary (as opposed to a cascading standby).
    public var isPrimaryFailure: Bool {
        switch self {
        case .deadPrimary, .deadPrimaryAndSomeStandbys, .deadPrimaryAndStandbys, .deadPrimaryWithoutStandbys, .unreachablePrimary: true
        default: false
        }
    }
}

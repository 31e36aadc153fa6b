/// What the analyzer concluded about one instance (docs/failover.md, "Analysis codes"), in
/// PostgreSQL vocabulary.
package enum AnalysisCode: String, Sendable, Hashable, Codable, CaseIterable {
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
    /// A reachable standby whose configured upstream (`primary_conninfo`, or its WAL
    /// receiver's sender) is no known instance of its cluster: a wrong host or port, a server
    /// that never answered, or no `primary_conninfo` at all. It stays in its cluster under the
    /// upstream it was last attached to, which reports it as not replicating.
    case standbyUpstreamUnknown = "StandbyUpstreamUnknown"
    /// A reachable standby, attached to a reachable known upstream, whose WAL receiver is not
    /// streaming (stopped, restarting, or refused by the upstream).
    case standbyNotStreaming = "StandbyNotStreaming"
    /// An instance whose identity changed after it was admitted (another system identifier):
    /// out of the graph, never promoted, until an operator forgets it.
    case instanceQuarantined = "InstanceQuarantined"
    /// A standby replays more than `ReasonableReplicationLagSeconds` behind.
    case standbyLagging = "StandbyLagging"
    /// Two writable instances share one system identifier.
    case splitBrain = "SplitBrain"
    case noProblem = "NoProblem"

    /// Whether a recovery may act on it (subject to the recovery gates).
    package var isActionable: Bool {
        switch self {
        case .deadPrimary, .deadPrimaryAndSomeStandbys, .deadIntermediatePrimary: true
        default: false
        }
    }

    /// Whether it concerns a cluster's primary (as opposed to a cascading standby).
    package var isPrimaryFailure: Bool {
        switch self {
        case .deadPrimary, .deadPrimaryAndSomeStandbys, .deadPrimaryAndStandbys, .deadPrimaryWithoutStandbys, .unreachablePrimary: true
        default: false
        }
    }
}

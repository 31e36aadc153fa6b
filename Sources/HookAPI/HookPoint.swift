/// The places where plugins and hooks run (docs/plugins.md, "Points, events and answers").
/// What each point does with answers and with failing plugins is on `accepts(_:)`
/// (HookPoint+Semantics.swift).
public enum HookPoint: String, Sendable, Hashable, CaseIterable, Codable {
    /// An instance was probed and recorded.
    case discovery
    /// A cluster is being named.
    case clusterName
    /// An analysis entry was produced.
    case analysis
    /// Before any topology change of a failover. A veto (or, for shell hooks and drop-in
    /// executables, a non-zero exit; for a critical plugin, any failure) aborts the recovery.
    case preFailover
    /// After a successful promotion and re-pointing. Failures are recorded, never undo anything.
    case postFailover
    /// After a recovery that found or promoted no successor. Failures are recorded only.
    case postUnsuccessfulFailover
    /// Before a graceful switchover changes anything. A veto aborts the switchover.
    case preGracefulTakeover
    /// After a graceful switchover. Failures are recorded only.
    case postGracefulTakeover
    /// Turn a running ex-primary into a standby of the new primary (needs host access).
    case demote
}

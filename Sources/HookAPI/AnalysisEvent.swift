/// `analysis`: the analyzer produced an entry (codes such as `DeadPrimary`: docs/failover.md,
/// "Analysis codes").
///
/// Answers: `.proceed` (keep it), `.suppress(reason)` (drop it: no recovery, not listed as a
/// problem), `.raise(code, reason)` (replace its code, e.g. escalate `StandbyLagging` to a
/// site-specific code). Plugins run in order; a suppress ends the chain, a raise is seen by
/// the plugins after it. A failing plugin is recorded and the entry kept as it was: a broken
/// plugin must never hide a dead primary.
public struct AnalysisEvent: Sendable, Hashable, Codable {
    /// The analysis code, e.g. `DeadPrimary`.
    public var code: String
    public var description: String
    /// The instance the entry is about (the failed primary, the lagging standby...).
    public var instance: InstanceAddress
    public var clusterName: String
    public var clusterAlias: String
    /// Direct standbys of `instance`.
    public var replicas: [InstanceAddress]
    /// Whether the analyzer considers this entry actionable (a recovery would start).
    public var isActionable: Bool

    public init(code: String, description: String, instance: InstanceAddress, clusterName: String,
                clusterAlias: String = "", replicas: [InstanceAddress] = [], isActionable: Bool = false) {
        self.code = code
        self.description = description
        self.instance = instance
        self.clusterName = clusterName
        self.clusterAlias = clusterAlias
        self.replicas = replicas
        self.isActionable = isActionable
    }
}

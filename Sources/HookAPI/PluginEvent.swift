/// What a plugin is asked about: one event per extension point (docs/plugins.md, "Events").
public enum PluginEvent: Sendable, Hashable {
    case discovery(DiscoveryEvent)
    case clusterName(ClusterNameEvent)
    case analysis(AnalysisEvent)
    /// One of the recovery points: `preFailover`, `postFailover`, `postUnsuccessfulFailover`,
    /// `preGracefulTakeover`, `postGracefulTakeover`, `demote`.
    case recovery(HookPoint, RecoveryEvent)

    public var point: HookPoint {
        switch self {
        case .discovery: .discovery
        case .clusterName: .clusterName
        case .analysis: .analysis
        case .recovery(let point, _): point
        }
    }
}

/// A plugin's decision. Which answers make sense depends on the point (see `HookPoint`
/// `accepts(_:)`); an answer given at a point that does not take it counts as a plugin failure,
/// so a mistake is visible instead of silently ignored.
public enum PluginAnswer: Sendable, Hashable {
    /// Continue / keep / no opinion. Valid everywhere.
    case proceed
    /// Continue, with a line for the recovery steps and `/api/plugins` (what a post-failover
    /// plugin did, e.g. which ProxySQL endpoints it rewired). Valid everywhere.
    case note(String)
    /// Refuse the recovery (`preFailover`, `preGracefulTakeover`; at `demote` it means the
    /// demotion failed). Ignored with a note at the `post*` points.
    case veto(reason: String)
    /// `discovery`: join with these annotations.
    case annotate(InstanceAnnotation)
    /// `discovery`: do not join the topology.
    case ignore(reason: String)
    /// `clusterName`: the cluster's alias.
    case alias(String)
    /// `analysis`: drop the entry.
    case suppress(reason: String)
    /// `analysis`: replace the entry's code.
    case raise(code: String, reason: String)

    /// Short text for logs, recovery steps and `/api/plugins`: `continue`, `veto: lag too high`.
    public var summary: String {
        switch self {
        case .proceed: "continue"
        case .note(let text): "continue: \(text)"
        case .veto(let reason): "veto: \(reason)"
        case .annotate(let annotation):
            "annotate: " + ([annotation.alias.map { "alias=\($0)" }, annotation.promotionRule.map { "promotion_rule=\($0.rawValue)" }]
                .compactMap { $0 } + annotation.tags.sorted { $0.key < $1.key }.map { "tag \($0.key)=\($0.value)" })
                .joined(separator: ", ")
        case .ignore(let reason): "ignore: \(reason)"
        case .alias(let alias): "alias: \(alias)"
        case .suppress(let reason): "suppress: \(reason)"
        case .raise(let code, let reason): "raise \(code): \(reason)"
        }
    }
}

import HookAPI

/// The `analysis` plugin point applied to the analyzer's entries. Plugins are asked once per
/// finding (code and instance) while it lasts, not on every pass: passes run up to twenty
/// times a second while a primary's fate is open.
struct AnalysisReview: Sendable {
    private var answers: [String: PluginAnswer] = [:]

    /// Whether some entry has not been put to the plugins yet (`apply` will ask about it).
    func hasUnreviewed(_ entries: [AnalysisEntry]) -> Bool {
        entries.contains { answers["\($0.code.rawValue) \($0.instance)"] == nil }
    }

    /// `entries` as the plugins want them: suppressed ones removed, raised ones re-coded.
    /// A raise to a code this daemon does not know keeps the entry, its description prefixed
    /// with the plugin's code, so a site-specific label never changes what recovery does.
    mutating func apply(_ entries: [AnalysisEntry], clusterAlias: (String) -> String,
                        plugins: any AnalysisPluginDispatch) async -> [AnalysisEntry] {
        var current: [String: PluginAnswer] = [:]
        var result: [AnalysisEntry] = []
        for entry in entries {
            let id = "\(entry.code.rawValue) \(entry.instance)"
            let answer: PluginAnswer
            if let known = answers[id] {
                answer = known
            } else {
                answer = await plugins.review(analysis: AnalysisEvent(
                    code: entry.code.rawValue, description: entry.description, instance: entry.instance.address,
                    clusterName: entry.clusterName, clusterAlias: clusterAlias(entry.clusterName),
                    replicas: entry.replicas.map(\.address), isActionable: entry.isActionable))
            }
            current[id] = answer
            switch answer {
            case .suppress:
                continue
            case .raise(let code, let reason):
                var raised = entry
                if let known = AnalysisCode(rawValue: code) {
                    raised.code = known
                    raised.description = "\(reason) (raised from \(entry.code.rawValue))"
                } else {
                    raised.description = "[\(code)] \(reason); \(entry.description)"
                }
                result.append(raised)
            default:
                result.append(entry)
            }
        }
        answers = current
        return result
    }
}

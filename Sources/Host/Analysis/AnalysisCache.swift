/// The analyzer's findings kept per cluster between passes: a pass re-analyses only the
/// clusters whose facts changed since the last one (`TopologyDelta`), or all of them when
/// cluster membership or the context (downtimes, lag limit) changed. Split brain is decided
/// across clusters from the writable primaries each cluster's findings carry.
struct AnalysisCache: Sendable {
    private var byCluster: [String: Analyzer.ClusterFindings] = [:]
    private var context: Analyzer.Context?
    /// Instances the last update analysed: the work a pass did (a test counts it).
    private(set) var lastAnalysed = 0

    /// Whether the findings kept were made under `context`: if not, the next update must
    /// cover every cluster.
    func isCurrent(_ context: Analyzer.Context) -> Bool { self.context == context }

    /// Re-analyses the clusters of `delta` and returns every finding, sorted.
    mutating func update(_ delta: TopologyDelta, _ context: Analyzer.Context) -> [AnalysisEntry] {
        if delta.clusters == nil { byCluster = [:] }
        let findings = Analyzer.analyze(clusters: delta.clusters, in: delta.snapshot, context)
        lastAnalysed = 0
        for (name, found) in findings {
            lastAnalysed += found.instances
            byCluster[name] = found.entries.isEmpty && found.writable.isEmpty ? nil : found
        }
        self.context = context
        let kept = byCluster.values
        return Analyzer.sorted(kept.flatMap(\.entries) + Analyzer.splitBrain(kept.flatMap(\.writable)))
    }
}

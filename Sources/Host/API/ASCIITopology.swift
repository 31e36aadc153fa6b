/// A cluster as orchestrator-client's `topology` command prints it: one line per instance,
/// `host:port [lag,status,version,rw|ro,>>]`, replicas indented under their upstream with `+`
/// (replicating, checked) or `-` (not), and the `[` of every line in one column.
///
/// The tokens follow upstream's `Instance.HumanReadableDescription`; `>>` (upstream: logs
/// replica updates) is always shown, as any PostgreSQL standby can feed a cascade, and
/// `downtimed` is not yet tracked.
enum ASCIITopology {
    static func render(cluster: String, view: TopologyView) -> String {
        let members = view.members(of: cluster)
        let graph = view.snapshot.graph
        let roots = members.filter { graph.nodes[$0]?.upstream == nil }
        var lines: [String] = []
        func visit(_ key: InstanceKey, depth: Int) {
            guard let record = view.snapshot.records[key] else { return }
            lines.append(entry(record, depth: depth, view: view))
            for child in graph.nodes[key]?.downstream ?? [] { visit(child, depth: depth + 1) }
        }
        for root in roots { visit(root, depth: 0) }
        return aligned(lines)
    }

    private static func entry(_ record: InstanceRecord, depth: Int, view: TopologyView) -> String {
        let status = InstanceStatus(record, pollSeconds: view.configuration.discovery.instancePollSeconds)
        var prefix = ""
        if depth > 0 {
            prefix = String(repeating: " ", count: (depth - 1) * 2)
            prefix += status.replicaRunning && status.lastCheckValid && status.recentlyChecked ? "+ " : "- "
        }
        let tokens = [
            status.lagText,
            status.statusText(reasonableLagSeconds: view.configuration.analysis.reasonableMaintenanceReplicationLagSeconds),
            record.probe?.version ?? "",
            status.isStandby ? "ro" : "rw",
            ">>",
        ].filter { !$0.isEmpty }
        return "\(prefix)\(record.key) [\(tokens.joined(separator: ","))]"
    }

    /// Pads before the first `[` so the descriptions line up, as upstream does.
    private static func aligned(_ lines: [String]) -> String {
        let column = lines.map { line in line.firstIndex(of: "[").map { line.distance(from: line.startIndex, to: $0) } ?? 0 }
        let widest = column.max() ?? 0
        return zip(lines, column).map { line, at in
            guard at < widest, let bracket = line.firstIndex(of: "[") else { return line }
            return line[..<bracket] + String(repeating: " ", count: widest - at) + line[bracket...]
        }.joined(separator: "\n")
    }
}

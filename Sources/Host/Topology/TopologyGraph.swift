/// The replication graph derived from the instance records: who streams from whom, which
/// cluster each instance belongs to and at what depth. Pure: a function of the records.
///
/// An edge joins two instances of one history only (same system identifier). A standby whose
/// configured upstream is not a known instance (a wrong port in `primary_conninfo`, none at
/// all, a server that never answered) stays under the upstream it was last attached to
/// (`InstanceRecord.lastUpstream`), flagged `upstreamUnknown`: a broken standby stays in its
/// cluster, where the analysis reports it, instead of becoming a cluster of its own.
/// Quarantined instances have no node at all (see `InstanceRecord.quarantine`).
package struct TopologyGraph: Sendable {
    package struct Node: Sendable {
        package var upstream: InstanceKey?
        package var downstream: [InstanceKey]
        package var clusterName: String
        package var depth: Int
        /// The standby's configured upstream is not a known instance of its history: `upstream`
        /// is where it was last attached.
        package var upstreamUnknown: Bool = false
    }

    package let nodes: [InstanceKey: Node]
    /// Cluster name → its members, sorted; built once with the graph, so a cluster's members
    /// cost a lookup, not a scan of the fleet.
    private let membersByCluster: [String: [InstanceKey]]
    /// Cluster name → the quarantined instances reported under it (they have no node).
    package let quarantinedByCluster: [String: [InstanceKey]]

    package init(records: [InstanceKey: InstanceRecord], aliases: [InstanceKey: InstanceKey], defaultPort: Int) {
        let members = records.filter { $0.value.quarantine == nil }
        var upstream: [InstanceKey: InstanceKey] = [:]
        var unknown: Set<InstanceKey> = []
        for (key, record) in members {
            // A primary never has an upstream, even if its old primary_conninfo is still set.
            guard let probe = record.probe, !probe.isPrimary else { continue }
            if let up = Self.knownUpstream(of: key, probe.upstream(defaultPort: defaultPort).map { aliases[$0] ?? $0 },
                                           systemIdentifier: probe.systemIdentifier, in: members) {
                upstream[key] = up
            } else if let last = Self.knownUpstream(of: key, record.lastUpstream, systemIdentifier: probe.systemIdentifier, in: members) {
                upstream[key] = last
                unknown.insert(key)
            }
        }
        var downstream: [InstanceKey: [InstanceKey]] = [:]
        for (child, parent) in upstream { downstream[parent, default: []].append(child) }
        var nodes: [InstanceKey: Node] = [:]
        for key in members.keys {
            var root = key
            var depth = 0
            var seen: Set<InstanceKey> = [key]
            while let parent = upstream[root], seen.insert(parent).inserted {
                root = parent
                depth += 1
            }
            nodes[key] = Node(upstream: upstream[key], downstream: (downstream[key] ?? []).sorted(),
                              clusterName: root.description, depth: depth, upstreamUnknown: unknown.contains(key))
        }
        self.nodes = nodes
        membersByCluster = Dictionary(grouping: nodes) { $0.value.clusterName }.mapValues { $0.map(\.key).sorted() }
        let quarantined = records.values.compactMap { record in record.quarantine.map { (cluster: $0.clusterName, key: record.key) } }
        quarantinedByCluster = Dictionary(grouping: quarantined, by: \.cluster).mapValues { $0.map(\.key).sorted() }
    }

    /// `candidate` if it is another known member with the same system identifier.
    static func knownUpstream(of key: InstanceKey, _ candidate: InstanceKey?, systemIdentifier: String,
                              in records: [InstanceKey: InstanceRecord]) -> InstanceKey? {
        guard let candidate, candidate != key, let record = records[candidate] else { return nil }
        if let other = record.probe?.systemIdentifier, other != systemIdentifier { return nil }
        return candidate
    }

    package var clusterNames: [String] { membersByCluster.keys.sorted() }

    package func members(of cluster: String) -> [InstanceKey] { membersByCluster[cluster] ?? [] }
}

/// The replication graph derived from the instance records: who streams from whom, which
/// cluster each instance belongs to and at what depth. Pure: a function of the records.
public struct TopologyGraph: Sendable {
    public struct Node: Sendable {
        public var upstream: InstanceKey?
        public var downstream: [InstanceKey]
        public var clusterName: String
        public var depth: Int
    }

    public let nodes: [InstanceKey: Node]

    public init(records: [InstanceKey: InstanceRecord], aliases: [InstanceKey: InstanceKey], defaultPort: Int) {
        func resolve(_ key: InstanceKey) -> InstanceKey { aliases[key] ?? key }
        var upstream: [InstanceKey: InstanceKey] = [:]
        for (key, record) in records {
            // A primary never has an upstream, even if its old primary_conninfo is still set.
            if let probe = record.probe, let up = probe.upstream(defaultPort: defaultPort) {
                let resolved = resolve(up)
                if records[resolved] != nil, resolved != key { upstream[key] = resolved }
            }
        }
        var downstream: [InstanceKey: [InstanceKey]] = [:]
        for (child, parent) in upstream { downstream[parent, default: []].append(child) }
        var nodes: [InstanceKey: Node] = [:]
        for key in records.keys {
            var root = key
            var depth = 0
            var seen: Set<InstanceKey> = [key]
            while let parent = upstream[root], seen.insert(parent).inserted {
                root = parent
                depth += 1
            }
            nodes[key] = Node(upstream: upstream[key], downstream: (downstream[key] ?? []).sorted(),
                              clusterName: root.description, depth: depth)
        }
        self.nodes = nodes
    }

    public var clusterNames: [String] { Array(Set(nodes.values.map(\.clusterName))).sorted() }

    public func members(of cluster: String) -> [InstanceKey] {
        nodes.filter { $0.value.clusterName == cluster }.map(\.key).sorted()
    }
}

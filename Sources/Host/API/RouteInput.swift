import Hummingbird

/// Reading instance keys and cluster hints from request paths, with upstream's error envelope
/// and a message naming the bad input.
struct RouteInput: Sendable {
    let configuration: Configuration

    func instanceKey(_ context: BasicRequestContext, host: String = "host", port: String = "port") throws -> InstanceKey {
        let hostText = try context.parameters.require(host)
        let portText = try context.parameters.require(port)
        guard let number = Int(portText), (1...65535).contains(number) else {
            throw APIError.badRequest("invalid port \"\(portText.prefix(40))\": expected a number from 1 to 65535")
        }
        guard let key = InstanceKey(parsing: hostText, defaultPort: number), !hostText.contains(":") || hostText.hasPrefix("[") else {
            throw APIError.badRequest("invalid host \"\(hostText.prefix(80))\"")
        }
        return key
    }

    /// A cluster name, an alias, or `host:port` of any member (also under another spelling).
    func cluster(_ hint: String, _ snapshot: TopologySnapshot) -> String? {
        let names = snapshot.graph.clusterNames
        if names.contains(hint) { return hint }
        if let byAlias = names.first(where: { alias($0, snapshot) == hint }) { return byAlias }
        if let key = InstanceKey(parsing: hint, defaultPort: configuration.postgresql.defaultInstancePort) {
            return snapshot.graph.nodes[snapshot.canonical(key)]?.clusterName
        }
        return nil
    }

    func alias(_ cluster: String, _ snapshot: TopologySnapshot) -> String {
        ClusterAliases.alias(of: cluster, in: snapshot, configuration: configuration)
    }
}

import HookAPI

/// `orc.topology()` and `orc.instance(host, port)`: the live topology as Lua tables, with the
/// same camelCase field names as the events.
enum TopologyLuaView {
    static func topology(_ snapshot: TopologySnapshot, configuration: Configuration) -> LuaValue {
        let clusters = snapshot.graph.clusterNames.map { name -> LuaValue in
            let members = snapshot.graph.members(of: name)
            let primary = members.first { snapshot.graph.nodes[$0]?.depth == 0 }
            return [
                "name": .string(name),
                "alias": .string(ClusterAliases.alias(of: name, in: snapshot, configuration: configuration)),
                "primary": primary.map { .string($0.description) } ?? .nil,
                "members": .table(LuaTable(array: members.map { .string($0.description) })),
            ]
        }
        let instances = snapshot.records.keys.sorted().compactMap { instance($0, snapshot) }
        return ["clusters": .table(LuaTable(array: clusters)), "instances": .table(LuaTable(array: instances))]
    }

    static func instance(_ key: InstanceKey, _ snapshot: TopologySnapshot) -> LuaValue? {
        guard let record = snapshot.records[snapshot.canonical(key)] else { return nil }
        let node = snapshot.graph.nodes[record.key]
        let probe = record.probe
        var fields: [String: LuaValue] = [
            "host": .string(record.key.host), "port": .integer(Int64(record.key.port)),
            "address": .string(record.key.description),
            "clusterName": .string(node?.clusterName ?? record.key.description),
            "depth": .integer(Int64(node?.depth ?? 0)),
            "lastCheckValid": .bool(record.lastCheckValid),
            "replicas": .table(LuaTable(array: (node?.downstream ?? []).map { .string($0.description) })),
        ]
        if let upstream = node?.upstream { fields["upstream"] = .string(upstream.description) }
        if let probe {
            fields["role"] = .string(probe.isPrimary ? "primary" : "standby")
            fields["isPrimary"] = .bool(probe.isPrimary)
            fields["version"] = .string(probe.version)
            fields["versionNumber"] = .integer(Int64(probe.versionNumber))
            fields["systemIdentifier"] = .string(probe.systemIdentifier)
            fields["clusterNameSetting"] = .string(probe.settings.clusterName)
            fields["timeline"] = probe.timeline.map { .integer(Int64($0)) } ?? .nil
            fields["currentLSN"] = probe.currentLSN.map { .string($0.description) } ?? .nil
            fields["receiveLSN"] = probe.receiveLSN.map { .string($0.description) } ?? .nil
            fields["replayLSN"] = probe.replayLSN.map { .string($0.description) } ?? .nil
            fields["lagSeconds"] = probe.lagSeconds.map { .number($0) } ?? .nil
            fields["isReplicating"] = .bool(probe.isReplicating)
        }
        if let annotation = record.annotation {
            fields["alias"] = annotation.alias.map { .string($0) } ?? .nil
            fields["promotionRule"] = annotation.promotionRule.map { .string($0.rawValue) } ?? .nil
            fields["tags"] = .table(LuaTable(fields: annotation.tags.mapValues { .string($0) }))
        }
        return .table(LuaTable(fields: fields))
    }
}

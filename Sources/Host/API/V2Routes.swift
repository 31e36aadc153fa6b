import Hummingbird

/// The Orchestrator fork's v2 API: the same data as v1 in `{"status","data","error"}` with
/// real HTTP status codes (404 unknown, 400 malformed).
struct V2Routes: APIRouteCollection, TopologyReading {
    let topology: TopologyService
    let configuration: Configuration
    let health: HealthRoutes

    /// `/api/v2/clusters/{name}/topology`'s data.
    struct ClusterTopology: Encodable, Sendable {
        var clusterName: String
        var topology: String
    }

    /// `/api/v2/status`'s data: `/api/health`'s details plus upstream's raft fields, as a node
    /// without raft reports them.
    struct Status: Encodable, Sendable {
        var health: HealthRoutes.Health

        enum RaftKeys: String, CodingKey {
            case RaftLeader, IsRaftLeader, RaftLeaderURI, RaftAdvertise, RaftHealthyMembers
        }

        func encode(to encoder: any Encoder) throws {
            try health.encode(to: encoder)
            var raft = encoder.container(keyedBy: RaftKeys.self)
            try raft.encode("", forKey: .RaftLeader)
            try raft.encode(false, forKey: .IsRaftLeader)
            try raft.encode("", forKey: .RaftLeaderURI)
            try raft.encode("", forKey: .RaftAdvertise)
            try raft.encode([String](), forKey: .RaftHealthyMembers)
        }
    }

    func register(on api: APIRoutes) {
        let v2 = api.group("v2")
        v2.open("status", APIOperation("v2Status", .v2, "Status of this node", ok: .v2(.ref(.v2Status)),
                                       errors: [503: .json("Unhealthy", .ref(.v2Envelope))])) { request, context in
            let details = await health.check(full: health.access.mayRead(request, context))
            return JSONBody(V2Envelope.success(Status(health: details)), status: details.healthy ? .ok : .serviceUnavailable)
        }
        v2.read("clusters", APIOperation("v2Clusters", .v2, "Every cluster", ok: .v2(.array(.ref(.clusterInfo))))) { _, _ in
            let view = await view()
            return ok(view.clusterNames.map(view.clusterInfo))
        }
        v2.read("clusters/:name", APIOperation("v2Cluster", .v2, "One cluster", [Self.name], ok: .v2(.ref(.clusterInfo)))) { _, context in
            let view = await view()
            return ok(view.clusterInfo(try view.requireCluster(try APIParameters.text(context, "name"))))
        }
        v2.read("clusters/:name/instances", APIOperation("v2ClusterInstances", .v2, "The instances of a cluster", [Self.name],
                                                         ok: .v2(.array(.ref(.instance))))) { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "name"))
            return ok(view.instances(view.members(of: cluster)))
        }
        v2.read("clusters/:name/topology", APIOperation("v2ClusterTopology", .v2, "A cluster as text", [Self.name],
                                                        ok: .v2(.ref(.clusterTopology)))) { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "name"))
            return ok(ClusterTopology(clusterName: cluster, topology: ASCIITopology.render(cluster: cluster, view: view)))
        }
        v2.read("instances/:host/:port", APIOperation("v2Instance", .v2, "One instance", [.host, .port], ok: .v2(.ref(.instance)))) { _, context in
            let key = try APIParameters.instanceKey(context)
            let view = await view()
            return ok(view.instance(try view.requireRecord(key)))
        }
    }

    /// v2 names its cluster hint `name`.
    private static let name = APIParameter.hint.named("name")

    private func ok<Data: Encodable & Sendable>(_ data: Data) -> JSONBody<V2Envelope<Data>> { JSONBody(V2Envelope.success(data)) }
}

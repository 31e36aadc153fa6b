import Hummingbird

/// v1 cluster endpoints: lists, one cluster by name, alias or member, its primary, its text
/// topology, and forgetting it.
struct ClusterRoutes: APIRouteCollection, TopologyReading {
    let topology: TopologyService
    let configuration: Configuration

    func register(on api: APIRoutes) {
        api.read("clusters", APIOperation("clusters", .clusters, "Cluster names", ok: .json("Names", .array(.string)))) { _, _ in
            JSONBody(await view().clusterNames)
        }
        api.read("clusters-info", APIOperation("clustersInfo", .clusters, "Every cluster with its alias and counts",
                                               ok: .json("Clusters", .array(.ref(.clusterInfo))))) { _, _ in
            let view = await view()
            return JSONBody(view.clusterNames.map(view.clusterInfo))
        }
        api.read("cluster/:hint", APIOperation("cluster", .clusters, "The instances of a cluster", [.hint],
                                               ok: .json("Instances", .array(.ref(.instance))))) { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            return JSONBody(view.instances(view.members(of: cluster)))
        }
        api.read("cluster/alias/:alias",
                 APIOperation("clusterByAlias", .clusters, "The instances of the cluster with this alias",
                              [.path("alias", APISchema.string.maxLength(APIParameters.maximumLength))],
                              ok: .json("Instances", .array(.ref(.instance))))) { _, context in
            let view = await view()
            let alias = try APIParameters.text(context, "alias")
            guard let cluster = view.clusterNames.first(where: { view.alias(of: $0) == alias }) else {
                throw APIError.notFound("No cluster has the alias \"\(APIParameters.visible(alias))\" (see /api/clusters-info)")
            }
            return JSONBody(view.instances(view.members(of: cluster)))
        }
        api.read("cluster-info/:hint", APIOperation("clusterInfo", .clusters, "One cluster's summary", [.hint],
                                                    ok: .json("Cluster", .ref(.clusterInfo)))) { _, context in
            let view = await view()
            return JSONBody(view.clusterInfo(try view.requireCluster(try APIParameters.text(context, "hint"))))
        }
        api.read("master/:hint", APIOperation("master", .clusters, "The primary of a cluster", [.hint],
                                              ok: .json("Primary", .ref(.instance)))) { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            guard let primary = view.primary(of: cluster) else {
                throw APIError.notFound("Cluster \(cluster) has no reachable primary known")
            }
            return JSONBody(view.instance(primary))
        }
        api.read("masters", APIOperation("masters", .clusters, "The primary of every cluster",
                                         ok: .json("Primaries", .array(.ref(.instance))))) { _, _ in
            let view = await view()
            return JSONBody(view.clusterNames.compactMap(view.primary).map(view.instance))
        }
        api.read("topology/:hint", APIOperation("topology", .clusters, "A cluster as text, one line per instance", [.hint],
                                                ok: .envelope("Details holds the text tree", details: Self.topologyText))) { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            return Envelope(code: .ok, message: "Topology for cluster \(cluster)", details: ASCIITopology.render(cluster: cluster, view: view))
        }
        api.write("forget-cluster/:hint", APIOperation("forgetCluster", .clusters, "Forget every instance of a cluster", [.hint],
                                                      ok: .envelope("Forgotten", details: .array(.ref(.instanceKey))))) { _, context in
            let cluster = try await view().requireCluster(try APIParameters.text(context, "hint"))
            let forgotten = await topology.forgetCluster(cluster)
            return Envelope(code: .ok, message: "Cluster forgotten: \(cluster)", details: forgotten.map { KeyJSON($0) })
        }
    }

    private static let topologyText = APISchema.string.example("db1:5432 [0s,ok,16.4,rw,>>]\n+ db2:5432 [0s,ok,16.4,ro,>>]")
}

import Hummingbird

/// v1 cluster endpoints: lists, one cluster by name, alias or member, its primary, its text
/// topology, and forgetting it.
struct ClusterRoutes: APIRouteCollection, TopologyReading {
    let topology: TopologyService
    let configuration: Configuration

    func register(on api: APIRoutes) {
        api.read("clusters") { _, _ in JSONBody(await view().clusterNames) }
        api.read("clusters-info") { _, _ in
            let view = await view()
            return JSONBody(view.clusterNames.map(view.clusterInfo))
        }
        api.read("cluster/:hint") { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            return JSONBody(view.instances(view.members(of: cluster)))
        }
        api.read("cluster/alias/:alias") { _, context in
            let view = await view()
            let alias = try APIParameters.text(context, "alias")
            guard let cluster = view.clusterNames.first(where: { view.alias(of: $0) == alias }) else {
                throw APIError.notFound("No cluster has the alias \"\(APIParameters.visible(alias))\" (see /api/clusters-info)")
            }
            return JSONBody(view.instances(view.members(of: cluster)))
        }
        api.read("cluster-info/:hint") { _, context in
            let view = await view()
            return JSONBody(view.clusterInfo(try view.requireCluster(try APIParameters.text(context, "hint"))))
        }
        api.read("master/:hint") { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            guard let primary = view.primary(of: cluster) else {
                throw APIError.notFound("Cluster \(cluster) has no reachable primary known")
            }
            return JSONBody(view.instance(primary))
        }
        api.read("masters") { _, _ in
            let view = await view()
            return JSONBody(view.clusterNames.compactMap(view.primary).map(view.instance))
        }
        api.read("topology/:hint") { _, context in
            let view = await view()
            let cluster = try view.requireCluster(try APIParameters.text(context, "hint"))
            return Envelope(code: .ok, message: "Topology for cluster \(cluster)", details: ASCIITopology.render(cluster: cluster, view: view))
        }
        api.write("forget-cluster/:hint") { _, context in
            let cluster = try await view().requireCluster(try APIParameters.text(context, "hint"))
            let forgotten = await topology.forgetCluster(cluster)
            return Envelope(code: .ok, message: "Cluster forgotten: \(cluster)", details: forgotten.map { KeyJSON($0) })
        }
    }
}

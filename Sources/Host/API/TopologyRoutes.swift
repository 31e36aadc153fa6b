import Hummingbird

/// v1 instance endpoints, in Orchestrator's shapes: raw JSON for reads, the
/// `Code`/`Message`/`Details` envelope for actions.
struct TopologyRoutes: APIRouteCollection, TopologyReading {
    let topology: TopologyService
    let configuration: Configuration

    func register(on api: APIRoutes) {
        api.write("discover/:host/:port",
                  APIOperation("discover", .instances, "Probe an instance and add it (and what it replicates with) to the topology",
                               [.host, .port], ok: .envelope("Discovered", details: .ref(.instance)))) { _, context in
            let key = try APIParameters.instanceKey(context)
            switch await topology.discover(key, as: .anything) {
            case .success(let record):
                return Envelope(code: .ok, message: "Instance discovered: \(record.key)", details: await view().instance(record))
            case .failure(let error):
                throw APIError.internalError("Cannot discover \(key): \(error.message)")
            }
        }
        api.write("forget/:host/:port", APIOperation("forget", .instances, "Forget an instance", [.host, .port],
                                                     ok: .envelope("Forgotten", details: .ref(.instanceKey)))) { _, context in
            let key = try APIParameters.instanceKey(context)
            guard await topology.forget(key) else { throw APIError.notFound("Cannot forget \(key): not known") }
            return Envelope(code: .ok, message: "Instance forgotten: \(key)", details: KeyJSON(key))
        }
        api.read("instance/:host/:port", APIOperation("instance", .instances, "One instance", [.host, .port],
                                                     ok: .json("The instance", .ref(.instance)))) { _, context in
            let key = try APIParameters.instanceKey(context)
            let view = await view()
            return JSONBody(view.instance(try view.requireRecord(key)))
        }
        api.read("instance-replicas/:host/:port",
                 APIOperation("instanceReplicas", .instances, "The direct standbys of an instance", [.host, .port],
                              ok: .json("Standbys", .array(.ref(.instance))))) { _, context in
            let key = try APIParameters.instanceKey(context)
            let view = await view()
            let record = try view.requireRecord(key)
            return JSONBody(view.instances(view.snapshot.graph.nodes[record.key]?.downstream ?? []))
        }
        api.read("all-instances", APIOperation("allInstances", .instances, "Every known instance",
                                               ok: .json("Instances", .array(.ref(.instance))))) { _, _ in
            JSONBody(await view().allInstances)
        }
    }
}

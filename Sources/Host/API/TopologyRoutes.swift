import Foundation
import Hummingbird

/// The v1 read and discovery endpoints over the live topology, in Orchestrator's shapes:
/// raw JSON for reads, the `Code`/`Message`/`Details` envelope for actions and errors.
struct TopologyRoutes: Sendable {
    let topology: TopologyService
    let backend: Backend
    let configuration: Configuration

    func register(on api: RouterGroup<BasicRequestContext>) {
        api.get("discover/:host/:port") { _, context in
            let key = try instanceKey(context)
            switch await topology.discover(key, as: .anything) {
            case .success(let record):
                let snapshot = await topology.state.snapshot()
                return Envelope(code: .ok, message: "Instance discovered: \(record.key)", details: view(record, snapshot, await downtimes(snapshot)))
            case .failure(let error):
                return Envelope<InstanceJSON>(code: .error, message: "Cannot discover \(key): \(error.message)")
            }
        }
        api.get("instance/:host/:port") { _, context -> JSONOrError<InstanceJSON> in
            let key = try instanceKey(context)
            let snapshot = await topology.state.snapshot()
            guard let record = snapshot.records[snapshot.canonical(key)] else {
                return .error("Cannot read instance: \(key) is not known; discover it first")
            }
            return .value(view(record, snapshot, await downtimes(snapshot)))
        }
        api.get("all-instances") { _, _ in
            let snapshot = await topology.state.snapshot()
            let downtimes = await downtimes(snapshot)
            return JSONBody(snapshot.records.keys.sorted().map { view(snapshot.records[$0]!, snapshot, downtimes) })
        }
        api.get("clusters") { _, _ in
            JSONBody(await topology.state.snapshot().graph.clusterNames)
        }
        api.get("cluster/:hint") { _, context -> JSONOrError<[InstanceJSON]> in
            let hint = try context.parameters.require("hint")
            let snapshot = await topology.state.snapshot()
            guard let cluster = resolveCluster(hint, snapshot) else {
                return .error("Unknown cluster: \(hint); give a cluster name, an alias or host:port of a member")
            }
            let downtimes = await downtimes(snapshot)
            return .value(snapshot.graph.members(of: cluster).map { view(snapshot.records[$0]!, snapshot, downtimes) })
        }
        api.get("forget/:host/:port") { _, context in
            let key = try instanceKey(context)
            guard await topology.forget(key) else {
                return Envelope<KeyJSON>(code: .error, message: "Cannot forget \(key): not known")
            }
            return Envelope(code: .ok, message: "Instance forgotten: \(key)", details: KeyJSON(key))
        }
        api.get("forget-cluster/:hint") { _, context in
            let hint = try context.parameters.require("hint")
            guard let cluster = resolveCluster(hint, await topology.state.snapshot()) else {
                return Envelope<[KeyJSON]>(code: .error, message: "Unknown cluster: \(hint)")
            }
            let forgotten = await topology.forgetCluster(cluster)
            return Envelope(code: .ok, message: "Cluster forgotten: \(cluster)", details: forgotten.map { KeyJSON($0) })
        }
    }

    private func instanceKey(_ context: BasicRequestContext) throws -> InstanceKey {
        let host = try context.parameters.require("host")
        let portText = try context.parameters.require("port")
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw APIError.badRequest("invalid port \"\(portText.prefix(40))\": expected a number from 1 to 65535")
        }
        guard let key = InstanceKey(parsing: host, defaultPort: port), !host.contains(":") || host.hasPrefix("[") else {
            throw APIError.badRequest("invalid host \"\(host.prefix(80))\"")
        }
        return key
    }

    func view(_ record: InstanceRecord, _ snapshot: TopologySnapshot, _ downtimes: [InstanceKey: Downtime]) -> InstanceJSON {
        InstanceJSON(record, in: snapshot, clusterAlias: ClusterAliases.alias(of: snapshot.graph.nodes[record.key]?.clusterName ?? "",
                                                                               in: snapshot, configuration: configuration),
                     pollSeconds: configuration.discovery.instancePollSeconds, downtime: downtimes[record.key])
    }

    /// Active downtimes by canonical key; none when the backend cannot be read (the instance
    /// data is still worth serving).
    private func downtimes(_ snapshot: TopologySnapshot) async -> [InstanceKey: Downtime] {
        let active = (try? await backend.activeDowntimes()) ?? []
        return Dictionary(active.map { (snapshot.canonical($0.key), $0) }) { first, _ in first }
    }

    /// A cluster name, an alias, or `host:port` of any member (also under another spelling).
    private func resolveCluster(_ hint: String, _ snapshot: TopologySnapshot) -> String? {
        let names = snapshot.graph.clusterNames
        if names.contains(hint) { return hint }
        if let byAlias = names.first(where: { ClusterAliases.alias(of: $0, in: snapshot, configuration: configuration) == hint }) {
            return byAlias
        }
        if let key = InstanceKey(parsing: hint, defaultPort: configuration.postgresql.defaultInstancePort) {
            return snapshot.graph.nodes[snapshot.canonical(key)]?.clusterName
        }
        return nil
    }
}

/// A raw JSON read, or upstream's error envelope when there is nothing to read.
enum JSONOrError<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    case value(Value)
    case error(String)

    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch self {
        case .value(let value): try JSONBody(value).response(from: request, context: context)
        case .error(let message): try Envelope<String>(code: .error, message: message).response(from: request, context: context)
        }
    }
}

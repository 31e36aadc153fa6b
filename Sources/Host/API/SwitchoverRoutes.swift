import Foundation
import Hummingbird

/// Planned topology changes in Orchestrator's v1 shapes: `graceful-master-takeover[-auto]`
/// (every upstream path form; `Details` = the TopologyRecovery) and `relocate` / `move-below`.
struct SwitchoverRoutes: APIRouteCollection, TopologyReading {
    let coordinator: RecoveryCoordinator
    let topology: TopologyService
    let configuration: Configuration

    func register(on api: APIRoutes) {
        for (path, id, auto) in [("graceful-master-takeover", "gracefulMasterTakeover", false),
                                 ("graceful-master-takeover-auto", "gracefulMasterTakeoverAuto", true)] {
            // One capture name per depth: the router matches captures by position, and the
            // upstream forms differ only in how many segments they have.
            api.write("\(path)/:a",
                      APIOperation(id, .switchover, "Graceful switchover of cluster a (\(auto ? "the best standby" : "its single standby"))",
                                   [Self.a], ok: Self.takeoverDone)) { _, context in
                try await takeover(hint: APIParameters.text(context, "a"), designated: nil, auto: auto)
            }
            api.write("\(path)/:a/:b", APIOperation("\(id)Instance", .switchover, "Graceful switchover of the cluster of instance a:b",
                                                    [Self.a, Self.b], ok: Self.takeoverDone)) { _, context in
                try await takeover(hint: APIParameters.instanceKey(context, host: "a", port: "b").description, designated: nil, auto: auto)
            }
            api.write("\(path)/:a/:b/:c",
                      APIOperation("\(id)Designated", .switchover, "Graceful switchover of cluster a to the designated standby b:c",
                                   [Self.a, Self.b, Self.c], ok: Self.takeoverDone)) { _, context in
                try await takeover(hint: APIParameters.text(context, "a"),
                                   designated: APIParameters.instanceKey(context, host: "b", port: "c"), auto: auto)
            }
            api.write("\(path)/:a/:b/:c/:d",
                      APIOperation("\(id)InstanceDesignated", .switchover,
                                   "Graceful switchover of the cluster of instance a:b to the designated standby c:d",
                                   [Self.a, Self.b, Self.c, Self.d], ok: Self.takeoverDone)) { _, context in
                try await takeover(hint: APIParameters.instanceKey(context, host: "a", port: "b").description,
                                   designated: APIParameters.instanceKey(context, host: "c", port: "d"), auto: auto)
            }
        }
        api.write("relocate/:host/:port/:belowHost/:belowPort",
                  APIOperation("relocate", .switchover, "Re-point a standby below another instance of its cluster (refuses loops)",
                               [.host, .port, .host.named("belowHost"), .port.named("belowPort")],
                               ok: .envelope("Relocated; Details the standby", details: .ref(.instanceKey)))) { _, context in
            try await relocate(APIParameters.instanceKey(context), below: APIParameters.instanceKey(context, host: "belowHost", port: "belowPort"))
        }
        api.write("move-below/:host/:port/:siblingHost/:siblingPort",
                  APIOperation("moveBelow", .switchover, "Re-point a standby below a sibling (as relocate)",
                               [.host, .port, .host.named("siblingHost"), .port.named("siblingPort")],
                               ok: .envelope("Moved; Details the standby", details: .ref(.instanceKey)))) { _, context in
            try await relocate(APIParameters.instanceKey(context), below: APIParameters.instanceKey(context, host: "siblingHost", port: "siblingPort"))
        }
    }

    private static let takeoverDone = APIResponse.envelope("Details: the TopologyRecovery", details: .ref(.topologyRecovery))
    private static let a = APIParameter.path("a", APISchema.string.maxLength(APIParameters.maximumLength),
                                             "a cluster hint (name, alias, host:port), or the host of a member when b is its port")
    private static let b = APIParameter.path("b", .string, "the port of a's member, or the designated standby's host")
    private static let c = APIParameter.path("c", .string, "the designated standby's port, or its host")
    private static let d = APIParameter.path("d", .integer(1...65535), "the designated standby's port")

    private func takeover(hint: String, designated: InstanceKey?, auto: Bool) async -> Envelope<RecoveryJSON> {
        guard let cluster = await view().cluster(hint) else {
            return Envelope(code: .error, message: "Unknown cluster \"\(APIParameters.visible(hint))\": give a cluster name, an alias or host:port of a member")
        }
        switch await coordinator.gracefulTakeover(cluster: cluster, designated: designated, auto: auto) {
        case .failure(let error):
            return Envelope(code: .error, message: "graceful-master-takeover of \(cluster) refused: \(error.message)")
        case .success(let record) where record.isSuccessful:
            let problems = record.errors.isEmpty ? "" : "; needs attention: " + record.errors.joined(separator: "; ")
            return Envelope(code: .ok, message: "graceful-master-takeover of \(cluster): promoted \(record.successor.map(\.description) ?? "-") "
                + "(recovery \(record.uid))\(problems)", details: RecoveryJSON(record: record))
        case .success(let record):
            return Envelope(code: .error, message: "graceful-master-takeover of \(cluster) \(record.status.rawValue): "
                + "\(record.errors.joined(separator: "; ")) (recovery \(record.uid))", details: RecoveryJSON(record: record))
        }
    }

    private func relocate(_ standby: InstanceKey, below target: InstanceKey) async -> Envelope<KeyJSON> {
        switch await coordinator.relocate(standby, below: target) {
        case .failure(let error): return Envelope(code: .error, message: "Cannot relocate \(standby): \(error.message)")
        case .success(let upstream): return Envelope(code: .ok, message: "\(standby) now replicates from \(upstream)", details: KeyJSON(standby))
        }
    }
}

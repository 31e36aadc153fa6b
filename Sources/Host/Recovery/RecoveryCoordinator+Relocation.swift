import Foundation
import Logging

/// Moving a standby below another instance of its cluster (`relocate`, `move-below`,
/// `RelocationMachine`). Holds the cluster's in-flight slot meanwhile, so it never overlaps a
/// recovery or a switchover.
extension RecoveryCoordinator {
    /// Returns the standby's new upstream.
    public func relocate(_ requested: InstanceKey, below requestedTarget: InstanceKey) async -> Result<InstanceKey, RecoveryError> {
        let snapshot = await environment.topology.state.snapshot()
        let standby = snapshot.canonical(requested), target = snapshot.canonical(requestedTarget)
        var nodes: [InstanceKey: RelocationCheck.Node] = [:]
        for (key, record) in snapshot.records {
            nodes[key] = RelocationCheck.Node(upstream: snapshot.graph.nodes[key]?.upstream, systemIdentifier: record.probe?.systemIdentifier,
                                              reachable: record.lastCheckValid, isPrimary: record.probe?.isPrimary == true)
        }
        if let refusal = RelocationCheck.refusal(moving: standby, below: target, in: nodes) { return .failure(RecoveryError(refusal)) }
        let oldUpstream = snapshot.graph.nodes[standby]?.upstream
        let clusterName = snapshot.graph.nodes[standby]?.clusterName ?? ""
        let identity = Self.clusterIdentity(systemIdentifier: nodes[standby]?.systemIdentifier, clusterName: clusterName)
        guard inFlight.insert(identity).inserted else { return .failure(RecoveryError("a recovery of this cluster is in progress")) }
        defer {
            finished(identity)
            for key in [standby, target] + (oldUpstream.map { [$0] } ?? []) { environment.topology.reprobe(key) }
        }
        var machine = RelocationMachine(standby: standby, target: target, oldUpstream: oldUpstream)
        await environment.driver(LogJournal(logger: environment.logger, label: "relocate"), isAutomated: false).run(&machine)
        return machine.outcome ?? .failure(RecoveryError("relocating \(standby) below \(target) did not finish"))
    }
}

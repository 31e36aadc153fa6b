import Foundation
import Logging

/// Moving a standby below another instance of its cluster (`relocate`, `move-below`): its
/// `primary_conninfo` is re-pointed (own parameters kept), its slot created on the new
/// upstream, streaming verified, and the slot left unused on the old upstream dropped. Holds
/// the cluster's in-flight slot meanwhile, so it never overlaps a recovery or a switchover.
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
        let logger = environment.logger
        let operations = environment.operations
        do {
            let slot = try await operations.with(standby) { try await operations.standbyState(standby, on: $0) }.primarySlotName
            try await operations.repoint(standby, to: target, forkPoint: nil, verifyTimeout: RecoveryEnvironment.repointVerifyTimeout) {
                logger.notice("relocate: \($0)")
            }
            if let oldUpstream, oldUpstream != target, !slot.isEmpty {
                do {
                    if try await operations.dropInactiveSlot(slot, on: oldUpstream) {
                        logger.notice("relocate: replication slot \(slot) dropped on \(oldUpstream), which \(standby) left")
                    }
                } catch {
                    logger.warning("relocate: could not drop replication slot \(slot) on \(oldUpstream): \(error); drop it by hand, it holds WAL back")
                }
            }
            return .success(target)
        } catch {
            return .failure(RecoveryError("relocating \(standby) below \(target) failed: \(error)"))
        }
    }
}

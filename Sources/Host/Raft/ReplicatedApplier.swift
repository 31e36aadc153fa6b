/// Applies replicated commands to this node's backend. Deterministic: the same commands in
/// the same order leave every node's backend answering the same reads.
struct ReplicatedApplier: Sendable {
    let backend: Backend

    func apply(_ command: ReplicatedCommand) async throws -> ReplicatedAnswer {
        switch command {
        case .beginDowntime(let downtime):
            try await backend.beginDowntime(downtime)
            return .done
        case .endDowntime(let key, let at):
            return .ended(try await backend.endDowntime(key, at: at))
        case .registerCandidate(let registration):
            try await backend.registerCandidate(registration)
            return .done
        case .setRecoveriesDisabled(let disabled):
            try await backend.setRecoveriesDisabled(disabled)
            return .done
        case .registerRecovery(let record):
            return .registered(try await backend.registerRecovery(record))
        case .updateRecovery(let record):
            try await backend.updateRecovery(record)
            return .done
        case .addRecoveryStep(let uid, let message, let at):
            try await backend.addRecoveryStep(uid, message, at: at)
            return .done
        case .acknowledgeRecoveries(let filter, let user, let comment, let at):
            return .acknowledged(try await backend.acknowledgeRecoveries(filter, by: user, comment: comment, at: at))
        case .purgeHistory(let cutoff):
            return .purged(try await backend.purgeHistory(before: cutoff))
        }
    }
}

import HookAPI

/// Moving a standby below another instance of its cluster (`relocate`, `move-below`), after
/// `RelocationCheck` allowed it: its `primary_conninfo` is re-pointed (own parameters kept),
/// its slot created on the new upstream, streaming verified, and the slot it leaves unused on
/// the old upstream dropped. `outcome` says how it ended.
struct RelocationMachine: RecoveryMachine {
    private enum State: Sendable, Equatable {
        case initial, readingSlot, ended
        case repointing(slot: String)
        case dropping(slot: String, on: InstanceKey)
    }

    let standby: InstanceKey
    let target: InstanceKey
    let oldUpstream: InstanceKey?
    /// The new upstream, or why the move failed; nil until the machine ends.
    private(set) var outcome: Result<InstanceKey, RecoveryError>?
    private var state = State.initial

    init(standby: InstanceKey, target: InstanceKey, oldUpstream: InstanceKey?) {
        self.standby = standby
        self.target = target
        self.oldUpstream = oldUpstream
    }

    mutating func start() -> RecoveryTransition {
        state = .readingSlot
        return RecoveryTransition(.readSlot(standby))
    }

    mutating func received(_ result: RecoveryResult) -> RecoveryTransition {
        switch (state, result) {
        case (.readingSlot, .slot(let slot)):
            state = .repointing(slot: slot)
            return RecoveryTransition(.repoint([standby], to: target, forkPoint: nil))

        case (.readingSlot, .failed(let reason)):
            return failed(reason)

        case (.repointing(let slot), .moved(let lost)):
            if let reason = lost.first?.reason { return failed(reason) }
            guard let oldUpstream, oldUpstream != target, !slot.isEmpty else { return succeeded() }
            state = .dropping(slot: slot, on: oldUpstream)
            return RecoveryTransition(.dropSlot(slot, on: oldUpstream))

        case (.dropping(let slot, let on), .answer(let dropped)):
            guard dropped == true else { return succeeded() }
            return succeeded([.step("replication slot \(slot) dropped on \(on), which \(standby) left")])

        case (.dropping(let slot, let on), .failed(let reason)):
            return succeeded([.error("could not drop replication slot \(slot) on \(on): \(reason); drop it by hand, it holds WAL back")])

        default:
            state = .ended
            outcome = .failure(RecoveryError("relocating \(standby) below \(target): internal error (result \(result) in state \(state))"))
            return RecoveryTransition(.end)
        }
    }

    private mutating func succeeded(_ effects: [RecoveryEffect] = []) -> RecoveryTransition {
        state = .ended
        outcome = .success(target)
        return RecoveryTransition(effects, .end)
    }

    private mutating func failed(_ reason: String) -> RecoveryTransition {
        state = .ended
        outcome = .failure(RecoveryError("relocating \(standby) below \(target) failed: \(reason)"))
        return RecoveryTransition(.end)
    }
}

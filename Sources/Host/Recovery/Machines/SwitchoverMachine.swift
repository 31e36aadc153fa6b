import HookAPI

/// A planned switchover (`graceful-master-takeover`, docs/switchover.md, "Steps"), after its
/// checks passed and it was registered: `PreGracefulTakeoverProcesses` and plugins (may
/// veto) → fence the primary read-only and end its sessions → the designated standby replays
/// everything → the other standbys cascade from it → promote → they follow it onto the new
/// timeline → drop their slots on the old primary → demote the old primary into a standby of
/// the new one → `PostGracefulTakeoverProcesses` and plugins.
///
/// Why cascade before promoting: a fenced primary still writes WAL of its own (checkpoints,
/// standby snapshots). A standby still streaming from it could receive such a record after
/// the designated standby's fork point and be unable to follow the new timeline. Streaming
/// from the designated standby, it never has more WAL than the promotion forks from.
///
/// Before the promotion every failure undoes the fence, so the topology is as it was. After
/// it, failures are recorded with what the operator has to do; the old primary is never
/// left writable.
struct SwitchoverMachine: RecoveryMachine {
    struct Settings: Sendable, Equatable {
        /// How long the designated standby may take to replay the fenced primary's last WAL
        /// (`ReasonableMaintenanceReplicationLagSeconds`).
        var catchUpTimeout: Duration = .seconds(10)
        /// A cascaded standby must stream the new primary's timeline within this long.
        var followTimeout: Duration = .seconds(30)
        /// A demoted primary must stream from the new one within this long after its demote step.
        var demoteVerifyTimeout: Duration = .seconds(60)
        /// An old primary that could not be demoted stays read-only and downtimed this long.
        var fenceDowntime: Duration = .seconds(7 * 24 * 3600)
    }

    private enum State: Sendable, Equatable {
        case initial
        case vetting
        case fencing
        case catchingUp
        case cascading
        /// Cascading failed: the standbys go back to the old primary, then the fence is undone.
        case uncascading(reason: String)
        case promoting
        case checkingDesignated(promotionError: String)
        case following
        case droppingSlots(lost: [InstanceKey])
        case demoting(lost: [InstanceKey])
        case verifyingDemotion(lost: [InstanceKey])
        case downtimingOld(lost: [InstanceKey])
        case acknowledging
        case announcing
        case unfencing
        case ended
    }

    let uid: String
    let old: InstanceKey
    let designated: InstanceKey
    /// The primary's other direct standbys, to follow the new primary.
    let others: [InstanceKey]
    let settings: Settings
    private var state = State.initial

    init(uid: String, old: InstanceKey, designated: InstanceKey, others: [InstanceKey], settings: Settings) {
        self.uid = uid
        self.old = old
        self.designated = designated
        self.others = others
        self.settings = settings
    }

    mutating func start() -> RecoveryTransition {
        state = .vetting
        let others = self.others.map(\.description).joined(separator: ", ")
        return RecoveryTransition([.step("planned switchover of \(old) to \(designated); other standbys: \(others)")],
                                  .dispatch(.preGracefulTakeover, candidate: designated))
    }

    mutating func received(_ result: RecoveryResult) -> RecoveryTransition {
        switch (state, result) {
        case (.vetting, .dispatched(let outcome)):
            if let veto = outcome.veto {
                state = .ended
                return .aborted(veto)
            }
            state = .fencing
            return RecoveryTransition(.fence(old))

        case (.fencing, .done):
            state = .catchingUp
            return RecoveryTransition(.catchUp(designated, with: old, timeout: settings.catchUpTimeout))

        case (.fencing, .failed(let reason)), (.catchingUp, .failed(let reason)):
            return undoFence(because: "before promotion: \(reason)")

        case (.catchingUp, .caughtUp(let final)):
            state = .cascading
            return RecoveryTransition([.step("\(designated) replayed \(old)'s final LSN \(final)")],
                                      .repoint(others, to: designated, forkPoint: nil))

        case (.cascading, .moved(let lost)):
            guard lost.isEmpty else {
                let names = lost.map(\.key.description).joined(separator: ", ")
                state = .uncascading(reason: "before promotion: could not cascade \(names) from \(designated)")
                return RecoveryTransition(.repoint(others, to: old, forkPoint: nil))
            }
            state = .promoting
            return RecoveryTransition(.promote(designated))

        case (.uncascading(let reason), .moved):
            return undoFence(because: reason)

        case (.promoting, .promoted(let forkPoint)):
            state = .following
            return RecoveryTransition(PrimaryFailoverMachine.promotedEffects(designated, forkPoint),
                                      .follow(others, newPrimary: designated, timeout: settings.followTimeout))

        case (.promoting, .failed(let reason)):
            // Did it promote anyway (a timeout after pg_promote started)? Only a standby that
            // is certainly still one lets the fence be undone.
            state = .checkingDesignated(promotionError: reason)
            return RecoveryTransition(.checkInRecovery(designated))

        case (.checkingDesignated(let reason), .answer(let inRecovery)):
            guard inRecovery == true else {
                state = .ended
                return RecoveryTransition([
                    .error("promotion of \(designated) failed: \(reason); it may have been promoted anyway, so \(old) stays read-only. "
                        + "Check \(designated): if it is a primary, re-point the standbys to it (relocate) and demote \(old); if not, "
                        + "run ALTER SYSTEM RESET default_transaction_read_only and pg_reload_conf() on \(old)"),
                    .finish(.failed)], .end)
            }
            return undoFence(because: "promotion of \(designated) failed: \(reason)")

        case (.following, .moved(let lost)):
            let lostKeys = lost.map(\.key).sorted()
            state = .droppingSlots(lost: lostKeys)
            return RecoveryTransition([.change(.moved(others, lost: lostKeys))],
                                      .dropSlots(of: [designated] + others.filter { !lostKeys.contains($0) }, on: old))

        case (.droppingSlots(let lost), .done):
            state = .demoting(lost: lost)
            return RecoveryTransition(.dispatch(.demote, candidate: designated))

        case (.demoting(let lost), .dispatched(let outcome)):
            guard outcome.handled else {
                return fenceOld(lost: lost, because: "no demote step is configured (DemoteProcesses or a demote plugin): \(old) is left "
                    + "running read-only as a primary without standbys. Make it a standby of \(designated) (stop it, pg_rewind, "
                    + "standby.signal, primary_conninfo, start), then end its downtime")
            }
            if let veto = outcome.veto {
                return fenceOld(lost: lost, because: "the demote step failed: \(veto). \(old) is read-only; make it a standby of "
                    + "\(designated) by hand (see docs/switchover.md), then end its downtime")
            }
            state = .verifyingDemotion(lost: lost)
            return RecoveryTransition(.verifyStreaming(old, from: designated, timeout: settings.demoteVerifyTimeout))

        case (.verifyingDemotion(let lost), .done):
            let demoted: [RecoveryEffect] = [.change(.participating(old)), .step("\(old) demoted: in recovery, streaming from \(designated)")]
            return conclude(demoted: true, lost: lost, after: demoted)

        case (.verifyingDemotion(let lost), .failed(let reason)):
            return fenceOld(lost: lost, because: "the demote step ended but \(old) is not a standby of \(designated): \(reason). Make it "
                + "one by hand (see docs/switchover.md), then end its downtime")

        case (.downtimingOld(let lost), .done):
            let days = settings.fenceDowntime.components.seconds / 86400
            return conclude(demoted: false, lost: lost,
                            after: [.step("\(old) fenced: read-only and downtimed for \(days) days (end-downtime once it is a standby)")])

        case (.downtimingOld(let lost), .failed(let reason)):
            return conclude(demoted: false, lost: lost, after: [.error("could not downtime \(old): \(reason)")])

        case (.acknowledging, _):
            state = .announcing
            return RecoveryTransition(.dispatch(.postGracefulTakeover, candidate: designated))

        case (.announcing, .dispatched):
            state = .ended
            return RecoveryTransition(.end)

        case (.unfencing, .done):
            state = .ended
            return RecoveryTransition([.step("undone: \(old) writable again (ALTER SYSTEM RESET default_transaction_read_only, reloaded)"),
                                       .finish(.aborted)], .end)

        case (.unfencing, .failed(let reason)):
            state = .ended
            return RecoveryTransition([.error("could not undo the read-only fence of \(old): \(reason). It refuses writes: run ALTER "
                                              + "SYSTEM RESET default_transaction_read_only and SELECT pg_reload_conf() on it"),
                                       .finish(.failed)], .end)

        default:
            state = .ended
            return .unexpected(result, in: "\(state)")
        }
    }

    /// Before promotion: the old primary takes writes again; the switchover ends aborted (it
    /// changed nothing in the end), or failed if even that did not work.
    private mutating func undoFence(because reason: String) -> RecoveryTransition {
        state = .unfencing
        return RecoveryTransition([.error(reason)], .unfence(old))
    }

    /// Not demoted: the old primary stays read-only and is fenced by a downtime, so nothing
    /// promotes it or fails it over.
    private mutating func fenceOld(lost: [InstanceKey], because reason: String) -> RecoveryTransition {
        state = .downtimingOld(lost: lost)
        return RecoveryTransition([.error(reason)], .downtime(old, for: settings.fenceDowntime,
                                                              reason: "fenced by switchover \(uid): read-only, not demoted"))
    }

    /// The switchover succeeded (a new primary serves). A clean one (demoted, nothing lost) is
    /// acknowledged at once: a planned switchover is not a flapping cluster and must not hold
    /// back an automated failover of the new primary for `RecoveryPeriodBlockSeconds`.
    private mutating func conclude(demoted: Bool, lost: [InstanceKey], after effects: [RecoveryEffect]) -> RecoveryTransition {
        if demoted && lost.isEmpty {
            state = .acknowledging
            return RecoveryTransition(effects + [.finish(.successful)], .acknowledge(comment: "planned switchover completed"))
        }
        state = .announcing
        return RecoveryTransition(effects + [.finish(.successful)], .dispatch(.postGracefulTakeover, candidate: designated))
    }
}

extension SwitchoverMachine.Settings {
    init(_ analysis: Configuration.Analysis) {
        self.init(catchUpTimeout: .seconds(analysis.reasonableMaintenanceReplicationLagSeconds))
    }
}

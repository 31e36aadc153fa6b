import Foundation
import HookAPI

/// A planned switchover (`graceful-master-takeover`, docs/switchover.md, "Steps"), after its
/// checks passed and it was registered: `PreGracefulTakeoverProcesses` and plugins (may
/// abort) → fence the primary read-only and end its sessions → the designated standby replays
/// everything → the other standbys cascade from it → promote → they follow it onto the new
/// timeline → demote the old primary into a standby of the new one →
/// `PostGracefulTakeoverProcesses` and plugins.
///
/// Why cascade before promoting: a fenced primary still writes WAL of its own (checkpoints,
/// standby snapshots). A standby still streaming from it could receive such a record after
/// the designated standby's fork point and be unable to follow the new timeline. Streaming
/// from the designated standby, it never has more WAL than the promotion forks from.
///
/// Before the promotion every failure undoes the fence, so the topology is as it was. After
/// it, failures are recorded with what the operator has to do; the old primary is never
/// left writable.
struct GracefulTakeover: Sendable {
    let environment: RecoveryEnvironment
    let journal: RecoveryJournal
    let designated: InstanceKey
    /// The primary's other direct standbys, to follow the new primary.
    let others: [InstanceKey]

    /// A demoted primary must stream from the new one within this long after its demote step.
    static let demoteVerifyTimeout: Duration = .seconds(60)

    func run() async {
        let operations = environment.operations
        let old = await journal.record.failed
        var event = await currentEvent()
        await journal.step("planned switchover of \(old) to \(designated); other standbys: \(others.map(\.description).joined(separator: ", "))")
        if let veto = await preTakeoverVeto(event) {
            return await environment.abort(veto, journal: journal)
        }
        let step: @Sendable (String) async -> Void = { [journal] in await journal.step($0) }
        do {
            _ = try await operations.fenceReadOnly(old, step: step)
            let lag = Duration.seconds(environment.configuration.analysis.reasonableMaintenanceReplicationLagSeconds)
            let final = try await operations.catchUp(designated, with: old, timeout: lag)
            await journal.step("\(designated) replayed \(old)'s final LSN \(final)")
        } catch {
            return await undoFence(old, because: "before promotion: \(error)")
        }
        let repointer = Repointer(environment: environment, journal: journal)
        let notCascaded = await repointer.repoint(others, to: designated, forkPoint: nil)
        if !notCascaded.isEmpty {
            _ = await repointer.repoint(others, to: old, forkPoint: nil)
            return await undoFence(old, because: "before promotion: could not cascade \(notCascaded.map(\.description).joined(separator: ", ")) from \(designated)")
        }

        let forkPoint: LSN
        do {
            forkPoint = try await operations.promote(designated, replayWait: RecoveryEnvironment.replayWait,
                                                     promoteTimeout: RecoveryEnvironment.promoteTimeout, step: step)
        } catch {
            let stillStandby = (try? await operations.with(designated) { try await operations.standbyState(designated, on: $0) })?.inRecovery
            guard stillStandby == true else {
                await journal.error("promotion of \(designated) failed: \(error); it may have been promoted anyway, so \(old) stays "
                    + "read-only. Check \(designated): if it is a primary, re-point the standbys to it (relocate) and demote \(old); "
                    + "if not, run ALTER SYSTEM RESET default_transaction_read_only and pg_reload_conf() on \(old)")
                return await journal.finish(.failed)
            }
            return await undoFence(old, because: "promotion of \(designated) failed: \(error)")
        }
        await environment.recordPromotion(of: designated, at: forkPoint, journal: journal)

        let lost = await followNewTimeline(others)
        await journal.update {
            $0.lostReplicas = lost
            $0.participating += others
        }
        await dropSlots(of: [designated] + others.filter { !lost.contains($0) }, on: old)
        event = await currentEvent()
        let demoted = await demote(old, event)
        await journal.finish(.successful)
        if demoted && lost.isEmpty {
            // A clean planned switchover is not a flapping cluster: it must not hold back an
            // automated failover of the new primary for RecoveryPeriodBlockSeconds.
            _ = try? await environment.backend.acknowledgeRecoveries(.uid(await journal.uid), by: "orchestrator",
                                                                      comment: "planned switchover completed")
        }
        event = await currentEvent()
        _ = await environment.runHooks("PostGracefulTakeoverProcesses", environment.configuration.hooks.postGracefulTakeover,
                                       event, stopOnFailure: false, journal: journal)
        _ = await environment.runPlugins(.postGracefulTakeover, event, journal: journal)
    }

    /// The cascaded standbys reconnect to the promoted one by themselves and follow its new
    /// timeline (`recovery_target_timeline = latest`); each must do so within the re-point
    /// timeout, or it is reported lost. Returns the lost ones.
    private func followNewTimeline(_ standbys: [InstanceKey]) async -> [InstanceKey] {
        let operations = environment.operations
        return await Repointer(environment: environment, journal: journal).each(standbys) { [designated] standby in
            try await operations.verifyStreaming(standby, from: designated, timeout: RecoveryEnvironment.repointVerifyTimeout)
            return "\(standby) follows \(designated) on its new timeline"
        }
    }

    private func currentEvent() async -> RecoveryEvent {
        var event = environment.event(for: await journal.record, in: await environment.topology.state.snapshot(), isAutomated: false)
        event.candidate = designated.address
        return event
    }

    /// `PreGracefulTakeoverProcesses` then the `preGracefulTakeover` plugins; the reason to
    /// abort, if any.
    private func preTakeoverVeto(_ event: RecoveryEvent) async -> String? {
        let hooks = await environment.runHooks("PreGracefulTakeoverProcesses", environment.configuration.hooks.preGracefulTakeover,
                                               event, stopOnFailure: true, journal: journal)
        if let failure = hooks.failure { return "PreGracefulTakeoverProcesses vetoed the switchover: \(failure)" }
        if let veto = await environment.runPlugins(.preGracefulTakeover, event, journal: journal).veto {
            return "a preGracefulTakeover plugin vetoed the switchover: \(veto)"
        }
        return nil
    }

    /// Before promotion: the old primary takes writes again; the switchover ends aborted (it
    /// changed nothing in the end), or failed if even that did not work.
    private func undoFence(_ old: InstanceKey, because reason: String) async {
        await journal.error(reason)
        do {
            try await environment.operations.unfence(old)
            await journal.step("undone: \(old) writable again (ALTER SYSTEM RESET default_transaction_read_only, reloaded)")
            await journal.finish(.aborted)
        } catch {
            await journal.error("could not undo the read-only fence of \(old): \(error). It refuses writes: run ALTER SYSTEM RESET "
                + "default_transaction_read_only and SELECT pg_reload_conf() on it")
            await journal.finish(.failed)
        }
    }

    /// Runs the demote step (`DemoteProcesses`, then the `demote` plugins) and verifies the
    /// result. Without one, or when it fails, the old primary stays read-only and is fenced
    /// by a downtime, so nothing promotes it or fails it over. Returns whether it is now a
    /// streaming standby of the new primary.
    private func demote(_ old: InstanceKey, _ event: RecoveryEvent) async -> Bool {
        let commands = environment.configuration.hooks.demote
        let hooks = await environment.runHooks("DemoteProcesses", commands, event, stopOnFailure: true, journal: journal)
        var failure = hooks.failure
        var configured = !commands.isEmpty
        if failure == nil {
            let plugins = await environment.runPlugins(.demote, event, journal: journal)
            configured = configured || plugins.handled || plugins.failed
            if plugins.failed { failure = "a demote plugin failed (see the steps)" }
        }
        guard configured else {
            await fence(old, reason: "no demote step is configured (DemoteProcesses or a demote plugin): \(old) is left running "
                + "read-only as a primary without standbys. Make it a standby of \(designated) (stop it, pg_rewind, standby.signal, "
                + "primary_conninfo, start), then end its downtime")
            return false
        }
        if let failure {
            await fence(old, reason: "the demote step failed: \(failure). \(old) is read-only; make it a standby of \(designated) "
                + "by hand (see docs/switchover.md), then end its downtime")
            return false
        }
        do {
            try await environment.operations.verifyStreaming(old, from: designated, timeout: Self.demoteVerifyTimeout)
        } catch {
            await fence(old, reason: "the demote step ended but \(old) is not a standby of \(designated): \(error). "
                + "then end its downtime")
            return false
        }
        await journal.update { $0.participating.append(old) }
        await journal.step("\(old) demoted: in recovery, streaming from \(designated)")
        return true
    }

    /// The slots the moved standbys used on the old primary would pin WAL there for good
    /// (also once it is a standby): each is dropped if nothing uses it. Other slots (a backup
    /// tool's) are the operator's, and so is a name that several known instances give as their
    /// `primary_slot_name`: the slot is not clearly the moved standby's, so it stays.
    private func dropSlots(of moved: [InstanceKey], on old: InstanceKey) async {
        let snapshot = await environment.topology.state.snapshot()
        for key in moved {
            guard let slot = snapshot.records[key]?.probe?.settings.primarySlotName, !slot.isEmpty else { continue }
            let sharing = snapshot.records.filter { $0.key != key && $0.value.probe?.settings.primarySlotName == slot }.map(\.key)
            guard sharing.isEmpty else {
                await journal.step("replication slot \(slot) on \(old) kept: \(key) and \(sharing.sorted()) all name it; drop it by hand if unused")
                continue
            }
            do {
                if try await environment.operations.dropInactiveSlot(slot, on: old) {
                    await journal.step("replication slot \(slot) of \(key) dropped on \(old)")
                }
            } catch {
                await journal.step("could not drop replication slot \(slot) on \(old): \(error); drop it there, it holds WAL back")
            }
        }
    }

    private func fence(_ old: InstanceKey, reason: String) async {
        await journal.error(reason)
        let now = Date()
        do {
            try await environment.backend.beginDowntime(Downtime(
                key: old, owner: "orchestrator", reason: "fenced by switchover \(await journal.uid): read-only, not demoted",
                beganAt: now, endsAt: now.addingTimeInterval(7 * 24 * 3600)))
            await journal.step("\(old) fenced: read-only and downtimed for 7 days (end-downtime once it is a standby)")
        } catch {
            await journal.error("could not downtime \(old): \(error)")
        }
    }
}

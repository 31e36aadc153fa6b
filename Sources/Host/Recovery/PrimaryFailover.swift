import Foundation
import HookAPI

/// The failover of a dead primary (docs/failover.md, "Steps of a primary failover"), after the
/// recovery was registered: detection hooks → candidate → pre-failover hooks and plugins (may
/// abort) → promote → re-point the other standbys → downtime the old primary → post-failover
/// hooks and plugins.
/// Every step is journaled with its time.
struct PrimaryFailover: Sendable {
    let environment: RecoveryEnvironment
    let journal: RecoveryJournal
    /// An operator's choice (manual `recover`); else the picker's.
    let requestedCandidate: InstanceKey?
    let isAutomated: Bool

    func run() async {
        let hooks = environment.configuration.hooks
        var record = await journal.record
        let failed = record.failed
        var snapshot = await environment.topology.state.snapshot()
        var event = environment.event(for: record, in: snapshot, isAutomated: isAutomated)
        await journal.step("\(record.analysis.code.rawValue) on \(failed): \(record.analysis.description)")
        _ = await environment.runHooks("OnFailureDetectionProcesses", hooks.onFailureDetection, event, stopOnFailure: true, journal: journal)

        let standbys = await CandidateSurvey(environment: environment).standbys(of: failed, in: snapshot)
        await journal.step("standbys: " + standbys.map(\.summary).joined(separator: "; "))
        let candidate: InstanceKey
        switch choose(from: standbys) {
        case .success(let key): candidate = key
        case .failure(let error): return await environment.fail(error.message, event, journal: journal)
        }
        let candidateLSN = standbys.first { $0.key == candidate }?.heldLSN
        event.candidate = candidate.address
        event.candidateLSN = candidateLSN
        await journal.step("candidate: \(candidate)")

        if let veto = await environment.preFailoverVeto(event, journal: journal) {
            return await environment.abort(veto, journal: journal)
        }

        let forkPoint: LSN
        do {
            forkPoint = try await environment.operations.promote(
                candidate, replayWait: RecoveryEnvironment.replayWait, promoteTimeout: RecoveryEnvironment.promoteTimeout
            ) { await journal.step($0) }
        } catch {
            return await environment.fail("promotion of \(candidate) failed: \(error)", event, journal: journal)
        }
        await environment.recordPromotion(of: candidate, at: forkPoint, journal: journal)

        let others = standbys.map(\.key).filter { $0 != candidate }
        let lost = await Repointer(environment: environment, journal: journal)
            .repoint(others, to: candidate, forkPoint: forkPoint)
        await journal.update {
            $0.lostReplicas = lost
            $0.participating += others
        }
        await downtimeOldPrimary(failed)
        await journal.finish(.successful)

        record = await journal.record
        snapshot = await environment.topology.state.snapshot()
        event = environment.event(for: record, in: snapshot, isAutomated: isAutomated)
        event.candidate = candidate.address
        event.candidateLSN = candidateLSN
        let primaryHooks = await environment.runHooks("PostMasterFailoverProcesses", hooks.postPrimaryFailover, event, stopOnFailure: false, journal: journal)
        let anyHooks = await environment.runHooks("PostFailoverProcesses", hooks.postFailover, event, stopOnFailure: false, journal: journal)
        _ = await environment.runPlugins(.postFailover, event, journal: journal)
        if environment.configuration.recovery.failRecoveryOnFailedPostFailoverProcesses,
           let failure = primaryHooks.failure ?? anyHooks.failure {
            await journal.error("post-failover hook failed and FailRecoveryOnFailedPostFailoverProcesses is set: \(failure)")
            await journal.update { $0.status = .failed }
        }
    }

    private func choose(from standbys: [CandidatePicker.Standby]) -> Result<InstanceKey, RecoveryError> {
        let ignore = environment.configuration.recovery.promotionIgnoreHostnameFilters
        if let requested = requestedCandidate {
            guard let standby = standbys.first(where: { $0.key == requested }) else {
                return .failure(RecoveryError("requested candidate \(requested) is not a standby of the failed primary"))
            }
            guard case .promote = CandidatePicker.choose(from: [standby], ignoring: ignore) else {
                return .failure(RecoveryError("requested candidate \(requested) cannot be promoted (unreachable, downtimed, must_not or ignored)"))
            }
            // An operator's choice never costs data: it must hold as much WAL as any standby.
            // What a standby of another history claims to hold does not count.
            if let richer = standbys.first(where: { $0.reachable && $0.foreignHistory == nil && $0.heldLSN > standby.heldLSN }) {
                return .failure(RecoveryError("requested candidate \(requested) holds less WAL (\(standby.heldLSN)) than \(richer.key) (\(richer.heldLSN)); promoting it would lose commits"))
            }
            return .success(requested)
        }
        switch CandidatePicker.choose(from: standbys, ignoring: ignore) {
        case .promote(let key): return .success(key)
        case .none(let reasons): return .failure(RecoveryError("no standby can be promoted: " + reasons.joined(separator: "; ")))
        }
    }

    /// The old primary may come back: downtimed, it is never failed over to again or promoted
    /// by accident, and if it comes back writable the analyzer reports `SplitBrain`.
    private func downtimeOldPrimary(_ failed: InstanceKey) async {
        let minutes = 24 * 60
        let now = Date()
        let uid = await journal.uid
        do {
            try await environment.backend.beginDowntime(Downtime(
                key: failed, owner: "orchestrator", reason: "lost in recovery \(uid)",
                beganAt: now, endsAt: now.addingTimeInterval(Double(minutes) * 60)))
            await journal.step("\(failed) marked lost: downtimed for \(minutes / 60) h")
        } catch {
            await journal.error("could not downtime \(failed): \(error)")
        }
    }
}

import HookAPI

/// The failover of a dead primary (docs/failover.md, "Steps of a primary failover"), after the
/// recovery was registered: detection hooks → survey the standbys → candidate →
/// pre-failover hooks and plugins (may veto) → promote → re-point the other standbys →
/// downtime the old primary → post-failover hooks and plugins. A failure before the promotion
/// ends it failed and runs the post-unsuccessful point.
struct PrimaryFailoverMachine: RecoveryMachine {
    struct Settings: Sendable {
        var promotionIgnoreHostnameFilters = PatternList([])
        var failRecoveryOnFailedPostFailoverProcesses = false
        /// The old primary is downtimed this long, so nothing promotes it or fails over to it.
        var lostDowntime: Duration = .seconds(24 * 3600)
    }

    private enum State: Sendable, Equatable {
        case initial
        case detecting
        case surveying
        case vetting(candidate: InstanceKey, lsn: LSN?, others: [InstanceKey])
        case promoting(candidate: InstanceKey, lsn: LSN?, others: [InstanceKey])
        case repointing(candidate: InstanceKey, lsn: LSN?, others: [InstanceKey])
        case markingLost(candidate: InstanceKey, lsn: LSN?)
        case announcing
        case failing
        case ended
    }

    let uid: String
    let failed: InstanceKey
    let detection: String
    /// An operator's choice (manual `recover`); else the picker's.
    let requestedCandidate: InstanceKey?
    let settings: Settings
    private var state = State.initial

    /// - Parameter detection: the analysis, e.g. "DeadPrimary on db1:5432: ...".
    init(uid: String, failed: InstanceKey, detection: String, requestedCandidate: InstanceKey?, settings: Settings) {
        self.uid = uid
        self.failed = failed
        self.detection = detection
        self.requestedCandidate = requestedCandidate
        self.settings = settings
    }

    mutating func start() -> RecoveryTransition {
        state = .detecting
        return RecoveryTransition([.step(detection)], .dispatch(.failureDetection))
    }

    mutating func received(_ result: RecoveryResult) -> RecoveryTransition {
        switch (state, result) {
        case (.detecting, .dispatched):
            // Detection hooks inform; they do not decide.
            state = .surveying
            return RecoveryTransition(.survey(standbysOf: failed, primaryAnswers: false))

        case (.surveying, .surveyed(let standbys)):
            let summary = RecoveryEffect.step("standbys: " + standbys.map(\.summary).joined(separator: "; "))
            switch Self.choose(from: standbys, requested: requestedCandidate, ignoring: settings.promotionIgnoreHostnameFilters) {
            case .failure(let error):
                return fail(error.message, before: [summary])
            case .success(let candidate):
                let lsn = standbys.first { $0.key == candidate }?.heldLSN
                let others = standbys.map(\.key).filter { $0 != candidate }
                state = .vetting(candidate: candidate, lsn: lsn, others: others)
                return RecoveryTransition([summary, .step("candidate: \(candidate)")],
                                          .dispatch(.preFailover, candidate: candidate, candidateLSN: lsn))
            }

        case (.vetting(let candidate, let lsn, let others), .dispatched(let outcome)):
            if let veto = outcome.veto {
                state = .ended
                return .aborted(veto)
            }
            state = .promoting(candidate: candidate, lsn: lsn, others: others)
            return RecoveryTransition(.promote(candidate))

        case (.promoting(let candidate, let lsn, _), .failed(let reason)):
            return fail("promotion of \(candidate) failed: \(reason)", candidate: candidate, lsn: lsn)

        case (.promoting(let candidate, let lsn, let others), .promoted(let forkPoint)):
            state = .repointing(candidate: candidate, lsn: lsn, others: others)
            return RecoveryTransition(Self.promotedEffects(candidate, forkPoint), .repoint(others, to: candidate, forkPoint: forkPoint))

        case (.repointing(let candidate, let lsn, let others), .moved(let lost)):
            state = .markingLost(candidate: candidate, lsn: lsn)
            return RecoveryTransition([.change(.moved(others, lost: lost.map(\.key).sorted()))],
                                      .downtime(failed, for: settings.lostDowntime, reason: "lost in recovery \(uid)"))

        case (.markingLost(let candidate, let lsn), .done), (.markingLost(let candidate, let lsn), .failed):
            let hours = settings.lostDowntime.components.seconds / 3600
            let marked: RecoveryEffect = if case .failed(let reason) = result {
                .error("could not downtime \(failed): \(reason)")
            } else {
                .step("\(failed) marked lost: downtimed for \(hours) h")
            }
            state = .announcing
            return RecoveryTransition([marked, .finish(.successful)],
                                      .dispatch(.postPrimaryFailover, candidate: candidate, candidateLSN: lsn))

        case (.announcing, .dispatched(let outcome)):
            state = .ended
            guard settings.failRecoveryOnFailedPostFailoverProcesses, let failure = outcome.failure else { return RecoveryTransition(.end) }
            return RecoveryTransition([.error("post-failover hook failed and FailRecoveryOnFailedPostFailoverProcesses is set: \(failure)"),
                                       .change(.status(.failed))], .end)

        case (.failing, .dispatched):
            state = .ended
            return RecoveryTransition(.end)

        default:
            state = .ended
            return .unexpected(result, in: "\(state)")
        }
    }

    /// Ends the recovery failed, then runs the post-unsuccessful point.
    private mutating func fail(_ reason: String, before: [RecoveryEffect] = [], candidate: InstanceKey? = nil,
                               lsn: LSN? = nil) -> RecoveryTransition {
        state = .failing
        return RecoveryTransition(before + [.error(reason), .finish(.failed)],
                                  .dispatch(.postUnsuccessfulFailover, candidate: candidate, candidateLSN: lsn))
    }

    /// What a promotion records, in any flow that promotes.
    static func promotedEffects(_ candidate: InstanceKey, _ forkPoint: LSN) -> [RecoveryEffect] {
        [.change(.promoted(candidate, forkPoint: forkPoint)), .step("\(candidate) promoted and writable"), .reprobe(candidate)]
    }

    /// The standby to promote: the operator's, if it can be promoted without losing data, else
    /// the picker's.
    static func choose(from standbys: [CandidatePicker.Standby], requested: InstanceKey?,
                       ignoring: PatternList) -> Result<InstanceKey, RecoveryError> {
        if let requested {
            guard let standby = standbys.first(where: { $0.key == requested }) else {
                return .failure(RecoveryError("requested candidate \(requested) is not a standby of the failed primary"))
            }
            guard case .promote = CandidatePicker.choose(from: [standby], ignoring: ignoring) else {
                return .failure(RecoveryError("requested candidate \(requested) cannot be promoted (unreachable, downtimed, must_not or ignored)"))
            }
            // An operator's choice never costs data: it must hold as much WAL as any standby.
            // What a standby of another history claims to hold does not count.
            if let richer = standbys.first(where: { $0.reachable && $0.foreignHistory == nil && $0.heldLSN > standby.heldLSN }) {
                return .failure(RecoveryError("requested candidate \(requested) holds less WAL (\(standby.heldLSN)) than \(richer.key) (\(richer.heldLSN)); promoting it would lose commits"))
            }
            return .success(requested)
        }
        switch CandidatePicker.choose(from: standbys, ignoring: ignoring) {
        case .promote(let key): return .success(key)
        case .none(let reasons): return .failure(RecoveryError("no standby can be promoted: " + reasons.joined(separator: "; ")))
        }
    }
}

extension PrimaryFailoverMachine.Settings {
    init(_ recovery: Configuration.Recovery) {
        self.init(promotionIgnoreHostnameFilters: recovery.promotionIgnoreHostnameFilters,
                  failRecoveryOnFailedPostFailoverProcesses: recovery.failRecoveryOnFailedPostFailoverProcesses)
    }
}

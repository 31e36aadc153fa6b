import Foundation
import HookAPI
import Logging

/// What every recovery flow needs: configuration, backend, topology, the SQL operations, the
/// hooks and the plugins.
struct RecoveryEnvironment: Sendable {
    let configuration: Configuration
    let backend: Backend
    let topology: TopologyService
    let operations: InstanceOperations
    let hooks: HookRunner
    let plugins: any RecoveryPluginDispatch
    let logger: Logger
    let hostname: String
    /// Ends of recoveries not stored yet (backend write failures), retried.
    let finishes: RecoveryFinishes

    /// `pg_promote` waits at most this long for the promotion to finish.
    static let promoteTimeout: Duration = .seconds(60)
    /// Before promoting, wait at most this long for the candidate to replay what it received.
    static let replayWait: Duration = .seconds(10)
    /// A re-pointed standby must stream from its new upstream within this long.
    static let repointVerifyTimeout: Duration = .seconds(30)

    /// The facts hooks and plugins see about this recovery.
    func event(for record: RecoveryRecord, in snapshot: TopologySnapshot, isAutomated: Bool) -> RecoveryEvent {
        let failed = record.failed
        let probe = snapshot.records[failed]?.probe
        return RecoveryEvent(
            recoveryUID: record.uid, failureType: record.analysis.code.rawValue,
            failureDescription: record.analysis.description, command: record.command,
            instanceType: record.analysis.isPrimary ? "master" : "intermediate-master",
            failed: failed.address, clusterName: record.clusterName, clusterAlias: record.clusterAlias,
            clusterSystemIdentifier: probe?.systemIdentifier, failedLSN: record.analysis.lastLSN,
            replicas: record.analysis.replicas.map(\.address), lostReplicas: record.lostReplicas.map(\.address),
            isDowntimed: record.analysis.isDowntimed, isAutomated: isAutomated, orchestratorHost: hostname,
            successor: record.successor?.address, successorAlias: record.successor?.description,
            successorLSN: record.successorLSN)
    }

    /// Runs a hook list and records its steps in `journal`.
    func runHooks(_ name: String, _ commands: [String], _ event: RecoveryEvent, stopOnFailure: Bool,
                  journal: RecoveryJournal) async -> HookRunner.Outcome {
        guard !commands.isEmpty else { return HookRunner.Outcome(failure: nil) }
        return await hooks.run(name, commands, event: event, stopOnFailure: stopOnFailure) { await journal.step($0) }
    }

    /// Runs the plugins of `point` and records their steps in `journal`.
    func runPlugins(_ point: HookPoint, _ event: RecoveryEvent, journal: RecoveryJournal) async -> PluginPointOutcome {
        let outcome = await plugins.run(point, event: event)
        for line in outcome.steps { await journal.step("plugin \(point.rawValue): \(line)") }
        return outcome
    }
}

extension InstanceKey {
    var address: InstanceAddress { InstanceAddress(host: host, port: port) }
}

extension RecoveryEnvironment {
    /// `PreFailoverProcesses` then the `preFailover` plugins; the reason to abort, if any.
    func preFailoverVeto(_ event: RecoveryEvent, journal: RecoveryJournal) async -> String? {
        let hooks = await runHooks("PreFailoverProcesses", configuration.hooks.preFailover, event, stopOnFailure: true, journal: journal)
        if let failure = hooks.failure { return "PreFailoverProcesses vetoed the recovery: \(failure)" }
        if let veto = await runPlugins(.preFailover, event, journal: journal).veto { return "a preFailover plugin vetoed the recovery: \(veto)" }
        return nil
    }

    /// Records that `candidate` was promoted (its history forks from the old primary's at
    /// `forkPoint`) and has the topology re-read it at once.
    func recordPromotion(of candidate: InstanceKey, at forkPoint: LSN, journal: RecoveryJournal) async {
        await journal.update {
            $0.successor = candidate
            $0.successorLSN = forkPoint
            $0.participating.append(candidate)
        }
        await journal.step("\(candidate) promoted and writable")
        topology.reprobe(candidate)
    }

    /// Ends a recovery that changed nothing.
    func abort(_ reason: String, journal: RecoveryJournal) async {
        await journal.error(reason)
        await journal.finish(.aborted)
    }

    /// Ends a recovery that was tried and failed, then runs `PostUnsuccessfulFailoverProcesses`
    /// and the `postUnsuccessfulFailover` plugins.
    func fail(_ reason: String, _ event: RecoveryEvent, journal: RecoveryJournal) async {
        await journal.error(reason)
        await journal.finish(.failed)
        var event = event
        event.lostReplicas = await journal.record.lostReplicas.map(\.address)
        _ = await runHooks("PostUnsuccessfulFailoverProcesses", configuration.hooks.postUnsuccessfulFailover, event,
                           stopOnFailure: false, journal: journal)
        _ = await runPlugins(.postUnsuccessfulFailover, event, journal: journal)
    }
}

import HookAPI

/// Recovery of a dead cascading standby (`DeadIntermediatePrimary`): its standbys are
/// re-pointed at its own upstream, which must be reachable. Nothing is promoted; the
/// timeline does not change, so there is no fork point to check.
struct IntermediateRecovery: Sendable {
    let environment: RecoveryEnvironment
    let journal: RecoveryJournal
    let isAutomated: Bool

    func run() async {
        let hooks = environment.configuration.hooks
        let record = await journal.record
        let snapshot = await environment.topology.state.snapshot()
        var event = environment.event(for: record, in: snapshot, isAutomated: isAutomated)
        await journal.step("\(record.analysis.code.rawValue) on \(record.failed): \(record.analysis.description)")
        _ = await environment.runHooks("OnFailureDetectionProcesses", hooks.onFailureDetection, event, stopOnFailure: true, journal: journal)
        guard let upstream = record.analysis.upstream, snapshot.records[upstream]?.lastCheckValid == true else {
            return await environment.fail("the dead cascading standby's own upstream is unknown or unreachable: nowhere to re-point its standbys",
                                          event, journal: journal)
        }
        event.candidate = upstream.address
        if let veto = await environment.preFailoverVeto(event, journal: journal) {
            return await environment.abort(veto, journal: journal)
        }
        let children = record.analysis.replicas
        let lost = await Repointer(environment: environment, journal: journal).repoint(children, to: upstream, forkPoint: nil)
        await journal.update {
            $0.successor = upstream
            $0.lostReplicas = lost
            $0.participating += children
        }
        guard lost.count < children.count else {
            return await environment.fail("none of its standbys could be re-pointed at \(upstream)", event, journal: journal)
        }
        await journal.finish(.successful)
        event = environment.event(for: await journal.record, in: await environment.topology.state.snapshot(), isAutomated: isAutomated)
        _ = await environment.runHooks("PostIntermediateMasterFailoverProcesses", hooks.postIntermediatePrimaryFailover, event, stopOnFailure: false, journal: journal)
        _ = await environment.runHooks("PostFailoverProcesses", hooks.postFailover, event, stopOnFailure: false, journal: journal)
        _ = await environment.runPlugins(.postFailover, event, journal: journal)
    }
}

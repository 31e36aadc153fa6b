import HookAPI

/// Runs a recovery point: its handlers in the fork's order (its shell hook lists, then the
/// plugins of the point) under one set of rules. At a point that can stop the recovery
/// (`canStop`) the first refusal ends the point and vetoes; elsewhere every handler runs and
/// the first failure is recorded. Adding a point is a case of `RecoveryPoint` and its line
/// in `handlers(for:)`.
struct RecoveryDispatcher: RecoveryDispatching {
    let runner: HookRunner
    let lists: Configuration.Hooks
    let plugins: any RecoveryPluginDispatch

    func dispatch(_ point: RecoveryPoint, _ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> DispatchOutcome {
        var outcome = DispatchOutcome()
        for handler in handlers(for: point) where !handler.isEmpty {
            let result = await handler.handle(event, step: step)
            outcome.handled = outcome.handled || result.ran
            if let veto = result.veto, point.canStop {
                // The demote step's failure is said by the switchover ("the demote step failed: ...").
                outcome.veto = point == .demote ? veto : "\(handler.vetoer) vetoed the \(point.subject): \(veto)"
                return outcome
            }
            if let failure = result.failure { outcome.failure = outcome.failure ?? failure }
        }
        return outcome
    }

    /// A point's handlers, in the order they run.
    func handlers(for point: RecoveryPoint) -> [any PointHandler] {
        func hooks(_ name: String, _ commands: [String]) -> ShellHookList {
            ShellHookList(name: name, commands: commands, runner: runner, critical: point.canStop,
                          stopOnFailure: point.canStop || point == .failureDetection)
        }
        func plugins(_ hookPoint: HookPoint) -> PluginsAtPoint { PluginsAtPoint(point: hookPoint, plugins: self.plugins) }
        return switch point {
        case .failureDetection: [hooks("OnFailureDetectionProcesses", lists.onFailureDetection)]
        case .preFailover: [hooks("PreFailoverProcesses", lists.preFailover), plugins(.preFailover)]
        case .postPrimaryFailover: [hooks("PostMasterFailoverProcesses", lists.postPrimaryFailover),
                                    hooks("PostFailoverProcesses", lists.postFailover), plugins(.postFailover)]
        case .postIntermediateFailover: [hooks("PostIntermediateMasterFailoverProcesses", lists.postIntermediatePrimaryFailover),
                                         hooks("PostFailoverProcesses", lists.postFailover), plugins(.postFailover)]
        case .postUnsuccessfulFailover: [hooks("PostUnsuccessfulFailoverProcesses", lists.postUnsuccessfulFailover),
                                         plugins(.postUnsuccessfulFailover)]
        case .preGracefulTakeover: [hooks("PreGracefulTakeoverProcesses", lists.preGracefulTakeover), plugins(.preGracefulTakeover)]
        case .postGracefulTakeover: [hooks("PostGracefulTakeoverProcesses", lists.postGracefulTakeover), plugins(.postGracefulTakeover)]
        case .demote: [hooks("DemoteProcesses", lists.demote), plugins(.demote)]
        }
    }
}

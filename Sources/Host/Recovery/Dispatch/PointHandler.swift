import HookAPI

/// One participant of a recovery point: a shell hook list (`ShellHookList`) or the plugins
/// registered at the point (`PluginsAtPoint`). `RecoveryDispatcher` runs a point's handlers in
/// order under one set of rules.
protocol PointHandler: Sendable {
    /// Whether nothing would run (an empty hook list is skipped).
    var isEmpty: Bool { get }
    /// Who, in a veto's message: "PreFailoverProcesses", "a preFailover plugin".
    var vetoer: String { get }
    func handle(_ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> PointHandlerResult
}

struct PointHandlerResult: Sendable, Equatable {
    /// It refuses the recovery (a plugin's veto, a failing critical handler at a point that
    /// can stop): the reason.
    var veto: String?
    /// It failed without refusing anything (recorded; see `DispatchOutcome.failure`).
    var failure: String?
    /// Something ran (a demote step exists).
    var ran = true
}

/// A shell hook list of the fork's (`PreFailoverProcesses`, ...): each command in order
/// (`HookRunner`); at a point that can stop the recovery the first failure ends the list and
/// refuses, as in the fork.
struct ShellHookList: PointHandler {
    let name: String
    let commands: [String]
    let runner: HookRunner
    /// Whether a failure refuses the recovery (pre points, demote) or only stops the list
    /// (failure detection).
    let critical: Bool
    let stopOnFailure: Bool

    var isEmpty: Bool { commands.isEmpty }
    var vetoer: String { name }

    func handle(_ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> PointHandlerResult {
        guard let failure = await runner.run(name, commands, event: event, stopOnFailure: stopOnFailure, step: step).failure else {
            return PointHandlerResult()
        }
        return critical ? PointHandlerResult(veto: failure) : PointHandlerResult(failure: failure)
    }
}

/// The plugins registered at a point, through the plugin host (which applies each plugin's
/// own criticality: a drop-in executable or a `critical` Lua plugin refuses when it fails).
struct PluginsAtPoint: PointHandler {
    let point: HookPoint
    let plugins: any RecoveryPluginDispatch

    /// Known only when they run.
    var isEmpty: Bool { false }
    var vetoer: String { "a \(point.rawValue) plugin" }

    func handle(_ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> PointHandlerResult {
        let outcome = await plugins.run(point, event: event)
        for line in outcome.steps { await step("plugin \(point.rawValue): \(line)") }
        // At demote any failure means the demotion failed.
        if point == .demote, outcome.failed { return PointHandlerResult(veto: "a demote plugin failed (see the steps)") }
        return PointHandlerResult(veto: point.isPreRecovery ? outcome.veto : nil, ran: outcome.handled || outcome.failed)
    }
}

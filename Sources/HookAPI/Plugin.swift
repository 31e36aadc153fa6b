/// A plugin: Swift built-ins implement it directly; the host wraps Lua scripts and drop-in
/// executables in it, so all three kinds share one dispatcher, one ordering rule and the
/// failure semantics documented on `HookPoint`.
///
/// `handle` is called only for the points in `points`. It may take as long as it needs up to
/// the host's per-plugin timeout (`PluginTimeoutSeconds`); after that the host stops waiting,
/// cancels the task and records a timeout, so long work should check `Task.isCancelled`.
/// Throwing is a plugin failure, with the error's description recorded.
public protocol Plugin: Sendable {
    /// Unique, stable, shown in logs, steps and `/api/plugins` (e.g. `builtin:proxysql`).
    var name: String { get }
    /// The points this plugin wants to see.
    var points: Set<HookPoint> { get }
    /// At `preFailover` / `preGracefulTakeover`, whether a failure of this plugin aborts the
    /// recovery as a veto would (for a safety check that must not be skipped silently).
    func isCritical(at point: HookPoint) -> Bool
    func handle(_ event: PluginEvent) async throws -> PluginAnswer
}

extension Plugin {
    public func isCritical(at point: HookPoint) -> Bool { false }
}

public import HookAPI

/// What the recovery coordinator asks of the plugin host at each recovery point
/// (`preFailover`, `postFailover`, `postUnsuccessfulFailover`, `preGracefulTakeover`,
/// `postGracefulTakeover`, `demote`). The plugin host runs every plugin registered for the
/// point in its order and contains their failures; the coordinator records `steps` and, at
/// the `pre*` points, aborts on `veto`.
public protocol RecoveryPluginDispatch: AnalysisPluginDispatch {
    func run(_ point: HookPoint, event: RecoveryEvent) async -> PluginPointOutcome
}

extension RecoveryPluginDispatch {
    public func review(analysis event: AnalysisEvent) async -> PluginAnswer { .proceed }
}

/// The plugins' collective answer at one recovery point.
public struct PluginPointOutcome: Sendable, Equatable {
    /// The first veto, naming the plugin and its reason; nil when every plugin let it continue.
    public var veto: String?
    /// One line per plugin run (name, answer or error, duration), for the recovery's steps.
    public var steps: [String]
    /// Whether any plugin failed (threw, crashed, timed out) at this point. At a point where
    /// a failure means abort (`demote`), the coordinator treats it as one.
    public var failed: Bool
    /// True when at least one plugin handled the point (e.g. a `demote` step exists).
    public var handled: Bool

    public init(veto: String? = nil, steps: [String] = [], failed: Bool = false, handled: Bool = false) {
        self.veto = veto
        self.steps = steps
        self.failed = failed
        self.handled = handled
    }

    public static let none = PluginPointOutcome()
}

/// No plugins loaded: every point continues.
public struct NoRecoveryPlugins: RecoveryPluginDispatch {
    public init() {}
    public func run(_ point: HookPoint, event: RecoveryEvent) async -> PluginPointOutcome { .none }
}

/// What each point does with answers and failures. "Failure" is a plugin that threw, a Lua
/// error, an instruction budget or deadline hit, a timeout, a crashed or non-zero-exiting
/// executable, or an answer the point does not take. Every failure is logged and reported in
/// the point's outcome; the daemon carries on.
///
/// | Point | Answers | A failure means |
/// |---|---|---|
/// | `discovery` | proceed, annotate, ignore | nothing: the instance joins unannotated |
/// | `clusterName` | proceed, alias | nothing: the alias stays as it was |
/// | `analysis` | proceed, suppress, raise | nothing: the entry is kept as it was |
/// | `preFailover`, `preGracefulTakeover` | proceed, veto | recorded; aborts only if the plugin is `critical` (a drop-in executable always is, as a `PreFailoverProcesses` hook) |
/// | `demote` | proceed, veto | the demotion failed (a veto too) |
/// | `postFailover`, `postUnsuccessfulFailover`, `postGracefulTakeover` | proceed | recorded only |
///
/// The pre points abort on a veto; at the post points a veto is noted in the steps and
/// ignored, since nothing can be undone there.
extension HookPoint {
    /// Whether `answer` is meaningful here.
    public func accepts(_ answer: PluginAnswer) -> Bool {
        switch (self, answer) {
        case (_, .proceed), (_, .note): true
        case (.discovery, .annotate), (.discovery, .ignore): true
        case (.clusterName, .alias): true
        case (.analysis, .suppress), (.analysis, .raise): true
        case (.preFailover, .veto), (.preGracefulTakeover, .veto), (.demote, .veto): true
        case (.postFailover, .veto), (.postUnsuccessfulFailover, .veto), (.postGracefulTakeover, .veto): true
        default: false
        }
    }

    /// `preFailover`, `preGracefulTakeover`: a veto aborts the recovery.
    public var isPreRecovery: Bool { self == .preFailover || self == .preGracefulTakeover }

    /// The points of a recovery, whose event is a `RecoveryEvent`.
    public var isRecovery: Bool { ![.discovery, .clusterName, .analysis].contains(self) }

    /// `post_failover` for `postFailover`: the spelling of drop-in directory names and of
    /// `orc.on` in Lua (the camelCase raw value is accepted as well).
    public var snakeCaseName: String {
        var name = ""
        for character in rawValue {
            if character.isUppercase {
                name += "_" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }

    /// The point named `name` in snake_case or camelCase; nil for an unknown name.
    public init?(pluginName name: String) {
        guard let point = HookPoint.allCases.first(where: { $0.snakeCaseName == name || $0.rawValue == name }) else { return nil }
        self = point
    }
}

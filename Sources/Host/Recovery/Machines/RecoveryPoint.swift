/// The extension points of a recovery, each one `dispatch` (`RecoveryDispatching`): the shell
/// hook lists and plugins registered there run in the fork's order, under one set of rules.
enum RecoveryPoint: String, Sendable, Equatable, CaseIterable {
    /// `OnFailureDetectionProcesses`: a failure was detected (also a split brain).
    case failureDetection
    /// `PreFailoverProcesses`, then `preFailover` plugins: may veto.
    case preFailover
    /// `PostMasterFailoverProcesses`, `PostFailoverProcesses`, then `postFailover` plugins.
    case postPrimaryFailover
    /// `PostIntermediateMasterFailoverProcesses`, `PostFailoverProcesses`, then `postFailover` plugins.
    case postIntermediateFailover
    /// `PostUnsuccessfulFailoverProcesses`, then `postUnsuccessfulFailover` plugins.
    case postUnsuccessfulFailover
    /// `PreGracefulTakeoverProcesses`, then `preGracefulTakeover` plugins: may veto.
    case preGracefulTakeover
    /// `PostGracefulTakeoverProcesses`, then `postGracefulTakeover` plugins.
    case postGracefulTakeover
    /// `DemoteProcesses`, then `demote` plugins: a failure stops the demotion.
    case demote

    /// Whether a failure here stops the recovery (a veto); elsewhere it is recorded only.
    var canStop: Bool { [.preFailover, .preGracefulTakeover, .demote].contains(self) }

    /// What a veto here refuses.
    var subject: String { self == .preGracefulTakeover ? "switchover" : "recovery" }
}

/// What the hooks and plugins of one point answered together.
struct DispatchOutcome: Sendable, Equatable {
    /// At a point that can stop the recovery: why it must stop (a failing hook, a plugin's
    /// veto or failure), naming who; nil to go on.
    var veto: String?
    /// The first failing hook at a point that cannot stop it, for
    /// `FailRecoveryOnFailedPostFailoverProcesses`.
    var failure: String?
    /// Whether anything is registered at the point (whether a demote step exists).
    var handled: Bool

    init(veto: String? = nil, failure: String? = nil, handled: Bool = false) {
        self.veto = veto
        self.failure = failure
        self.handled = handled
    }

    static let nothing = DispatchOutcome()
}

import HookAPI

/// Recovery of a dead cascading standby (`DeadIntermediatePrimary`): its standbys are
/// re-pointed at its own upstream, which must be reachable. Nothing is promoted; the
/// timeline does not change, so there is no fork point to check.
struct IntermediateRecoveryMachine: RecoveryMachine {
    private enum State: Sendable, Equatable {
        case initial, detecting, checkingUpstream, announcing, failing, ended
        case vetting(InstanceKey)
        case repointing(InstanceKey)
    }

    let failed: InstanceKey
    let detection: String
    /// The dead standby's own upstream, where its standbys go.
    let upstream: InstanceKey?
    let children: [InstanceKey]
    private var state = State.initial

    init(failed: InstanceKey, detection: String, upstream: InstanceKey?, children: [InstanceKey]) {
        self.failed = failed
        self.detection = detection
        self.upstream = upstream
        self.children = children
    }

    mutating func start() -> RecoveryTransition {
        state = .detecting
        return RecoveryTransition([.step(detection)], .dispatch(.failureDetection))
    }

    mutating func received(_ result: RecoveryResult) -> RecoveryTransition {
        switch (state, result) {
        case (.detecting, .dispatched):
            guard let upstream else { return fail(Self.nowhere) }
            state = .checkingUpstream
            return RecoveryTransition(.checkReachable(upstream))

        case (.checkingUpstream, .answer(let reachable)):
            guard reachable == true, let upstream else { return fail(Self.nowhere) }
            state = .vetting(upstream)
            return RecoveryTransition(.dispatch(.preFailover, candidate: upstream))

        case (.vetting(let upstream), .dispatched(let outcome)):
            if let veto = outcome.veto {
                state = .ended
                return .aborted(veto)
            }
            state = .repointing(upstream)
            return RecoveryTransition(.repoint(children, to: upstream, forkPoint: nil))

        case (.repointing(let upstream), .moved(let lost)):
            let record: [RecoveryEffect] = [.change(.successor(upstream)), .change(.moved(children, lost: lost.map(\.key).sorted()))]
            guard lost.count < children.count else {
                return fail("none of its standbys could be re-pointed at \(upstream)", before: record, candidate: upstream)
            }
            state = .announcing
            return RecoveryTransition(record + [.finish(.successful)], .dispatch(.postIntermediateFailover))

        case (.announcing, .dispatched), (.failing, .dispatched):
            state = .ended
            return RecoveryTransition(.end)

        default:
            state = .ended
            return .unexpected(result, in: "\(state)")
        }
    }

    private static let nowhere = "the dead cascading standby's own upstream is unknown or unreachable: nowhere to re-point its standbys"

    private mutating func fail(_ reason: String, before: [RecoveryEffect] = [], candidate: InstanceKey? = nil) -> RecoveryTransition {
        state = .failing
        return RecoveryTransition(before + [.error(reason), .finish(.failed)], .dispatch(.postUnsuccessfulFailover, candidate: candidate))
    }
}

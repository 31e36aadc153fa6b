import HookAPI
@testable import Host
import Testing

/// A machine driven by a script of results, no driver: what it asked for and recorded.
struct MachineTrace {
    var actions: [RecoveryAction] = []
    var effects: [RecoveryEffect] = []
    /// Results left over when the machine ended (a script longer than the flow).
    var unused = 0

    /// The status of the last `.finish`, and a `.status` change after it.
    var status: RecoveryRecord.Status? {
        var status: RecoveryRecord.Status?
        for effect in effects {
            switch effect {
            case .finish(let value), .change(.status(let value)): status = value
            default: break
            }
        }
        return status
    }

    var errors: [String] { effects.compactMap { if case .error(let message) = $0 { message } else { nil } } }
    var steps: [String] { effects.compactMap { if case .step(let message) = $0 { message } else { nil } } }
    var changes: [RecordChange] { effects.compactMap { if case .change(let change) = $0 { change } else { nil } } }
    var ended: Bool { actions.last == .end }

    /// Feeds `results` one by one until the machine answers `.end`.
    init(_ machine: some RecoveryMachine, _ results: [RecoveryResult]) {
        var machine = machine
        var transition = machine.start()
        var remaining = results[...]
        while true {
            actions.append(transition.action)
            effects += transition.effects
            guard transition.action != .end, let result = remaining.popFirst() else { break }
            transition = machine.received(result)
        }
        unused = remaining.count
    }

    /// The actions without `.end`, spelled short for table expectations.
    var path: [String] { actions.filter { $0 != .end }.map(Self.name) }

    static func name(_ action: RecoveryAction) -> String {
        switch action {
        case .dispatch(let point, _, _): "dispatch \(point.rawValue)"
        case .survey: "survey"
        case .checkReachable: "checkReachable"
        case .checkInRecovery: "checkInRecovery"
        case .promote: "promote"
        case .repoint(_, let to, _): "repoint to \(to.host)"
        case .follow: "follow"
        case .fence: "fence"
        case .unfence: "unfence"
        case .catchUp: "catchUp"
        case .verifyStreaming: "verifyStreaming"
        case .dropSlots: "dropSlots"
        case .readSlot: "readSlot"
        case .dropSlot: "dropSlot"
        case .downtime: "downtime"
        case .acknowledge: "acknowledge"
        case .end: "end"
        }
    }
}

/// `host:5432`.
func pg(_ host: String) -> InstanceKey { InstanceKey(host: host, port: 5432) }

func standbyAt(_ host: String, _ lsn: UInt64, reachable: Bool = true, rule: PromotionRule = .neutral,
               foreign: String? = nil) -> CandidatePicker.Standby {
    CandidatePicker.Standby(key: pg(host), reachable: reachable, receivedLSN: LSN(lsn), replayLSN: LSN(lsn), rule: rule,
                            foreignHistory: foreign)
}

extension RecoveryResult {
    static let proceed = RecoveryResult.dispatched(.nothing)
    static func vetoed(_ reason: String) -> RecoveryResult { .dispatched(DispatchOutcome(veto: reason, handled: true)) }
    static func lostStandbys(_ hosts: String...) -> RecoveryResult {
        .moved(lost: hosts.map { LostStandby(key: pg($0), reason: "\($0) would not stream") })
    }
    static let noneLost = RecoveryResult.moved(lost: [])
}

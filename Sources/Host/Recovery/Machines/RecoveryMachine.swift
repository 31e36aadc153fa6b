import HookAPI

/// A recovery flow as a value: it decides, the driver (`RecoveryDriver`) acts. `start()` and
/// every `received(_:)` return what to record now (`effects`, in order) and the one operation
/// to run next (`action`), whose result comes back through `received(_:)`. A machine never
/// waits, reads a clock or touches a server, so every branch is a table test
/// (Tests/HostTests/Recovery/Machines) and the same machine runs against real servers.
///
/// The model is postgres-nio's connection state machine: state is an enum inside the struct,
/// events are method calls, actions are values.
protocol RecoveryMachine: Sendable {
    mutating func start() -> RecoveryTransition
    mutating func received(_ result: RecoveryResult) -> RecoveryTransition
}

/// What a machine asks for after an event: effects to record now, then one operation.
struct RecoveryTransition: Sendable, Equatable {
    var effects: [RecoveryEffect]
    var action: RecoveryAction

    init(_ effects: [RecoveryEffect], _ action: RecoveryAction) {
        self.effects = effects
        self.action = action
    }

    init(_ action: RecoveryAction) { self.init([], action) }

    /// Refused before any change (a veto): the recovery ends aborted.
    static func aborted(_ reason: String) -> RecoveryTransition {
        RecoveryTransition([.error(reason), .finish(.aborted)], .end)
    }

    /// A result the machine's state does not expect is a bug in the driver or the machine;
    /// the recovery ends failed with a record of it rather than guessing what to do.
    static func unexpected(_ result: RecoveryResult, in state: String) -> RecoveryTransition {
        RecoveryTransition([.error("internal error: result \(result) in state \(state); check the topology by hand"), .finish(.failed)], .end)
    }
}

/// Recorded without waiting on anything but the journal (the recovery's steps and record).
enum RecoveryEffect: Sendable, Equatable {
    /// A step of the audit trail.
    case step(String)
    /// An error: kept in the record's `errors` and written as a step.
    case error(String)
    case change(RecordChange)
    /// The recovery ends with this status (hooks after it still run and are recorded).
    case finish(RecoveryRecord.Status)
    /// Have the topology re-read this instance now.
    case reprobe(InstanceKey)
}

/// A change to the recovery's record.
enum RecordChange: Sendable, Equatable {
    /// The successor was promoted; its history forks from the old primary's at the LSN.
    case promoted(InstanceKey, forkPoint: LSN)
    /// Standbys were moved; the lost ones could not follow.
    case moved([InstanceKey], lost: [InstanceKey])
    case successor(InstanceKey)
    case participating(InstanceKey)
    case status(RecoveryRecord.Status)

    func apply(to record: inout RecoveryRecord) {
        switch self {
        case .promoted(let key, let forkPoint):
            record.successor = key
            record.successorLSN = forkPoint
            record.participating.append(key)
        case .moved(let standbys, let lost):
            record.lostReplicas = lost
            record.participating += standbys
        case .successor(let key): record.successor = key
        case .participating(let key): record.participating.append(key)
        case .status(let status): record.status = status
        }
    }
}

/// One operation of a recovery: the driver runs it and answers with a `RecoveryResult`.
enum RecoveryAction: Sendable, Equatable {
    /// Run the hooks and plugins of a point → `.dispatched`.
    case dispatch(RecoveryPoint, candidate: InstanceKey? = nil, candidateLSN: LSN? = nil)
    /// Read the failed primary's standbys fresh → `.surveyed`.
    case survey(standbysOf: InstanceKey, primaryAnswers: Bool)
    /// Whether the topology's last probe of the instance succeeded → `.answer`.
    case checkReachable(InstanceKey)
    /// Whether the instance answers as a standby (`pg_is_in_recovery()`) → `.answer` (nil:
    /// it did not answer).
    case checkInRecovery(InstanceKey)
    /// `pg_promote` (after waiting for replay) → `.promoted(forkPoint)` or `.failed`.
    case promote(InstanceKey)
    /// Re-point each standby's `primary_conninfo` and verify it streams → `.moved(lost:)`.
    case repoint([InstanceKey], to: InstanceKey, forkPoint: LSN?)
    /// Each standby (cascading from the new primary) must follow its new timeline within
    /// `timeout` → `.moved(lost:)`.
    case follow([InstanceKey], newPrimary: InstanceKey, timeout: Duration)
    /// Read-only fence of a primary, its sessions ended → `.done` or `.failed`.
    case fence(InstanceKey)
    case unfence(InstanceKey)
    /// The standby replays everything the fenced primary wrote → `.caughtUp` or `.failed`.
    case catchUp(InstanceKey, with: InstanceKey, timeout: Duration)
    /// The standby streams from `from` within `timeout` → `.done` or `.failed`.
    case verifyStreaming(InstanceKey, from: InstanceKey, timeout: Duration)
    /// Drop on `on` the slots the moved standbys used there, where clearly theirs → `.done`.
    case dropSlots(of: [InstanceKey], on: InstanceKey)
    /// The standby's `primary_slot_name` → `.slot` or `.failed`.
    case readSlot(InstanceKey)
    /// Drop the slot if inactive → `.answer(dropped)` or `.failed`.
    case dropSlot(String, on: InstanceKey)
    /// A downtime from now → `.done` or `.failed`.
    case downtime(InstanceKey, for: Duration, reason: String)
    /// Acknowledge this recovery (a clean switchover must not block a later failover) → `.done`.
    case acknowledge(comment: String)
    /// Nothing more to do.
    case end
}

extension RecoveryAction {
    /// For the journal: what was about to happen.
    var name: String {
        switch self {
        case .dispatch(let point, _, _): "the \(point.rawValue) point"
        case .survey(let failed, _): "surveying the standbys of \(failed)"
        case .checkReachable(let key): "checking \(key)"
        case .checkInRecovery(let key): "checking \(key)"
        case .promote(let key): "promoting \(key)"
        case .repoint(let keys, let to, _): "re-pointing \(keys.map(\.description).joined(separator: ", ")) to \(to)"
        case .follow(let keys, let primary, _): "verifying \(keys.map(\.description).joined(separator: ", ")) follow \(primary)"
        case .fence(let key): "fencing \(key)"
        case .unfence(let key): "unfencing \(key)"
        case .catchUp(let key, _, _): "waiting for \(key) to catch up"
        case .verifyStreaming(let key, let from, _): "verifying \(key) streams from \(from)"
        case .dropSlots(_, let on): "dropping slots on \(on)"
        case .readSlot(let key): "reading the slot of \(key)"
        case .dropSlot(let slot, let on): "dropping slot \(slot) on \(on)"
        case .downtime(let key, _, _): "downtiming \(key)"
        case .acknowledge: "acknowledging"
        case .end: "the end"
        }
    }
}

/// The answer to an action.
enum RecoveryResult: Sendable, Equatable {
    case done
    case failed(String)
    case answer(Bool?)
    case dispatched(DispatchOutcome)
    case surveyed([CandidatePicker.Standby])
    case promoted(forkPoint: LSN)
    case caughtUp(LSN)
    /// Standbys that could not be moved, with why.
    case moved(lost: [LostStandby])
    case slot(String)
}

struct LostStandby: Sendable, Equatable {
    var key: InstanceKey
    var reason: String
}

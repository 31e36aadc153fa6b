import Foundation
import HookAPI

/// What a recovery does on PostgreSQL servers (`LiveInstances`, over `InstanceOperations`).
/// Each call has its own deadline; `step` records progress as it happens.
protocol RecoveryInstances: Sendable {
    /// The failed primary's standbys with positions read now (`CandidateSurvey`).
    func survey(standbysOf failed: InstanceKey, in snapshot: TopologySnapshot, primaryAnswers: Bool) async -> [CandidatePicker.Standby]
    /// Waits for replay, promotes, makes it writable; returns the fork point.
    func promote(_ key: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws -> LSN
    /// `pg_is_in_recovery()`, or nil when it does not answer.
    func isInRecovery(_ key: InstanceKey) async -> Bool?
    /// Re-points the standby and verifies it streams from `upstream`.
    func repoint(_ standby: InstanceKey, to upstream: InstanceKey, forkPoint: LSN?,
                 step: @escaping @Sendable (String) async -> Void) async throws
    func verifyStreaming(_ standby: InstanceKey, from primary: InstanceKey, timeout: Duration) async throws
    func fenceReadOnly(_ primary: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws
    func unfence(_ primary: InstanceKey) async throws
    /// Waits until the standby replayed the fenced primary's last WAL; returns that LSN.
    func catchUp(_ standby: InstanceKey, with primary: InstanceKey, timeout: Duration) async throws -> LSN
    /// The standby's `primary_slot_name` (empty: none).
    func slotName(of standby: InstanceKey) async throws -> String
    /// Drops the slot if nothing uses it; whether it was dropped.
    func dropInactiveSlot(_ slot: String, on key: InstanceKey) async throws -> Bool
}

/// What a recovery asks of the topology (`TopologyService`).
protocol TopologyControl: Sendable {
    func snapshot() async -> TopologySnapshot
    /// Probe the instance now (the recovery changed it).
    func reprobe(_ key: InstanceKey)
}

/// Where a recovery's steps and record go: the recovery's `RecoveryJournal`, or the log for an
/// operation without a record (a relocation).
protocol RecoveryJournaling: Sendable {
    /// The record hooks and plugins are told about; nil without one.
    var recovery: RecoveryRecord? { get async }
    func step(_ message: String) async
    func error(_ message: String) async
    func apply(_ change: RecordChange) async
    func finish(_ status: RecoveryRecord.Status) async
}

/// Runs the hooks and plugins of one recovery point (`RecoveryDispatcher`).
protocol RecoveryDispatching: Sendable {
    func dispatch(_ point: RecoveryPoint, _ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> DispatchOutcome
}

/// Whether this daemon may still act for its cluster, asked before every action: with Raft, a
/// node that lost leadership (or whose term changed) stops before its next step, and the new
/// leader concludes the recovery. A single daemon always may.
protocol RecoveryLeadership: Sendable {
    /// Nil when it may act; else why not.
    func refusal() async -> String?
}

/// A single daemon: it is always the leader.
struct SoleLeader: RecoveryLeadership {
    func refusal() async -> String? { nil }
}

/// Time as recovery code reads it, injected so that tests set it.
struct RecoveryClock: Sendable {
    var now: @Sendable () -> Date
    static let system = RecoveryClock { Date() }
}

extension TopologyService: TopologyControl {
    func snapshot() async -> TopologySnapshot { await state.snapshot() }
}

import HookAPI

/// `RecoveryInstances` on real servers: `InstanceOperations`' SQL with the recovery's deadlines,
/// and `CandidateSurvey` for the standbys of a failed primary.
struct LiveInstances: RecoveryInstances {
    let operations: InstanceOperations
    let survey: CandidateSurvey

    /// `pg_promote` waits at most this long for the promotion to finish.
    static let promoteTimeout: Duration = .seconds(60)
    /// Before promoting, wait at most this long for the candidate to replay what it received.
    static let replayWait: Duration = .seconds(10)
    /// A re-pointed standby must stream from its new upstream within this long.
    static let repointVerifyTimeout: Duration = .seconds(30)

    func survey(standbysOf failed: InstanceKey, in snapshot: TopologySnapshot, primaryAnswers: Bool) async -> [CandidatePicker.Standby] {
        await survey.standbys(of: failed, in: snapshot, primaryAnswers: primaryAnswers)
    }

    func promote(_ key: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws -> LSN {
        try await operations.promote(key, replayWait: Self.replayWait, promoteTimeout: Self.promoteTimeout, step: step)
    }

    func isInRecovery(_ key: InstanceKey) async -> Bool? {
        try? await operations.with(key) { try await operations.standbyState(key, on: $0) }.inRecovery
    }

    func repoint(_ standby: InstanceKey, to upstream: InstanceKey, forkPoint: LSN?,
                 step: @escaping @Sendable (String) async -> Void) async throws {
        try await operations.repoint(standby, to: upstream, forkPoint: forkPoint, verifyTimeout: Self.repointVerifyTimeout, step: step)
    }

    func verifyStreaming(_ standby: InstanceKey, from primary: InstanceKey, timeout: Duration) async throws {
        try await operations.verifyStreaming(standby, from: primary, timeout: timeout)
    }

    func fenceReadOnly(_ primary: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws {
        _ = try await operations.fenceReadOnly(primary, step: step)
    }

    func unfence(_ primary: InstanceKey) async throws {
        try await operations.unfence(primary)
    }

    func catchUp(_ standby: InstanceKey, with primary: InstanceKey, timeout: Duration) async throws -> LSN {
        try await operations.catchUp(standby, with: primary, timeout: timeout)
    }

    func slotName(of standby: InstanceKey) async throws -> String {
        try await operations.with(standby) { try await operations.standbyState(standby, on: $0) }.primarySlotName
    }

    func dropInactiveSlot(_ slot: String, on key: InstanceKey) async throws -> Bool {
        try await operations.dropInactiveSlot(slot, on: key)
    }
}

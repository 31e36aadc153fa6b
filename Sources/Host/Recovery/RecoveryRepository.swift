public import Foundation

/// What recovery keeps and reads: its records and steps, the switch, downtimes and promotion
/// rules. Owned here and implemented by the Store (`Backend`), so the arrow points from the
/// Store to Recovery; tests implement it in memory.
public protocol RecoveryRepository: Sendable {
    /// Stores a new running recovery; nil when another of its cluster is already active.
    func registerRecovery(_ record: RecoveryRecord) async throws -> RecoveryRecord?
    func updateRecovery(_ record: RecoveryRecord) async throws
    func addRecoveryStep(_ uid: String, _ message: String, at: Date) async throws
    /// Newest first.
    func recoveries(_ filter: RecoveryFilter, limit: Int, offset: Int) async throws -> [RecoveryRecord]
    func acknowledgeRecoveries(_ filter: RecoveryFilter, by user: String, comment: String, at: Date) async throws -> [RecoveryRecord]
    func recoveriesDisabled() async throws -> Bool
    func activeDowntimes(at now: Date) async throws -> [Downtime]
    func beginDowntime(_ downtime: Downtime) async throws
    func candidateRegistrations(since: Date) async throws -> [CandidateRegistration]
    /// Removes recovery history and role changes older than `cutoff`; returns how many rows.
    func purgeHistory(before cutoff: Date) async throws -> Int
}

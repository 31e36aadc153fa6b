import Foundation
import Logging

/// The running record of one recovery: every step is written to the backend (and the log) as
/// it happens, so a recovery interrupted by a crash still shows how far it got.
actor RecoveryJournal: RecoveryJournaling {
    private(set) var record: RecoveryRecord
    private let repository: any RecoveryRepository
    private let logger: Logger
    private let finishes: RecoveryFinishes?
    private let clock: RecoveryClock

    init(_ record: RecoveryRecord, repository: any RecoveryRepository, logger: Logger, finishes: RecoveryFinishes? = nil,
         clock: RecoveryClock = .system) {
        self.record = record
        self.repository = repository
        self.logger = logger
        self.finishes = finishes
        self.clock = clock
    }

    var recovery: RecoveryRecord? { record }

    func step(_ message: String) async {
        logger.notice("recovery \(record.uid) (\(record.clusterName)): \(message)")
        do {
            try await repository.addRecoveryStep(record.uid, message, at: clock.now())
        } catch {
            logger.error("\(error)")
        }
    }

    func error(_ message: String) async {
        record.errors.append(message)
        await step("error: \(message)")
    }

    func apply(_ change: RecordChange) async {
        change.apply(to: &record)
        do {
            try await repository.updateRecovery(record)
        } catch {
            logger.error("\(error)")
        }
    }

    /// Ends the recovery with `status`; it stops being the cluster's active recovery, at once
    /// in this process and in the backend as soon as it takes the write (`RecoveryFinishes`).
    func finish(_ status: RecoveryRecord.Status) async {
        record.status = status
        record.endedAt = clock.now()
        do {
            try await repository.updateRecovery(record)
        } catch {
            logger.error("\(error); retrying until it is stored")
            await finishes?.add(record)
        }
        let outcome = record.successor.map { "\(status.rawValue), successor \($0)" } ?? status.rawValue
        await step("recovery ended: \(outcome)")
    }
}

/// The journal of an operation without a recovery record (a relocation): its steps go to the
/// log only.
struct LogJournal: RecoveryJournaling {
    let logger: Logger
    let label: String

    var recovery: RecoveryRecord? { nil }
    func step(_ message: String) async { logger.notice("\(label): \(message)") }
    func error(_ message: String) async { logger.warning("\(label): \(message)") }
    func apply(_ change: RecordChange) async {}
    func finish(_ status: RecoveryRecord.Status) async {}
}

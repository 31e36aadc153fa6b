import Foundation
import Logging

/// The running record of one recovery: every step is written to the backend (and the log) as
/// it happens, so a recovery interrupted by a crash still shows how far it got.
actor RecoveryJournal {
    private(set) var record: RecoveryRecord
    private let backend: Backend
    private let logger: Logger
    private let finishes: RecoveryFinishes?

    init(_ record: RecoveryRecord, backend: Backend, logger: Logger, finishes: RecoveryFinishes? = nil) {
        self.record = record
        self.backend = backend
        self.logger = logger
        self.finishes = finishes
    }

    var uid: String { record.uid }

    func step(_ message: String) async {
        logger.notice("recovery \(record.uid) (\(record.clusterName)): \(message)")
        do {
            try await backend.addRecoveryStep(record.uid, message)
        } catch {
            logger.error("\(error)")
        }
    }

    func error(_ message: String) async {
        record.errors.append(message)
        await step("error: \(message)")
    }

    func update(_ change: (inout RecoveryRecord) -> Void) async {
        change(&record)
        do {
            try await backend.updateRecovery(record)
        } catch {
            logger.error("\(error)")
        }
    }

    /// Ends the recovery with `status`; it stops being the cluster's active recovery, at once
    /// in this process and in the backend as soon as it takes the write (`RecoveryFinishes`).
    func finish(_ status: RecoveryRecord.Status) async {
        record.status = status
        record.endedAt = Date()
        do {
            try await backend.updateRecovery(record)
        } catch {
            logger.error("\(error); retrying until it is stored")
            await finishes?.add(record)
        }
        let outcome = record.successor.map { "\(status.rawValue), successor \($0)" } ?? status.rawValue
        await step("recovery ended: \(outcome)")
    }
}

import Foundation
import Logging

/// The running record of one recovery: every step is written to the backend (and the log) as
/// it happens, so a recovery interrupted by a crash still shows how far it got.
actor RecoveryJournal {
    private(set) var record: RecoveryRecord
    private let backend: Backend
    private let logger: Logger

    init(_ record: RecoveryRecord, backend: Backend, logger: Logger) {
        self.record = record
        self.backend = backend
        self.logger = logger
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

    /// Ends the recovery with `status`; it stops being the cluster's active recovery.
    func finish(_ status: RecoveryRecord.Status) async {
        await update {
            $0.status = status
            $0.endedAt = Date()
        }
        let outcome = record.successor.map { "\(status.rawValue), successor \($0)" } ?? status.rawValue
        await step("recovery ended: \(outcome)")
    }
}

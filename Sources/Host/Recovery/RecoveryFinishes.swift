import Foundation
import Logging

/// Recoveries that ended in this process while their end could not be written (full disk,
/// read-only file system). Their rows still say `is_active`, which would refuse every later
/// recovery and switchover of the cluster until a restart; instead:
///
/// - the gates treat a row whose recovery is listed here as ended (this process ran it and
///   knows it ended);
/// - the write is retried with backoff until it succeeds, and once more before every new
///   registration (which needs a writable backend anyway).
actor RecoveryFinishes {
    private var pending: [String: RecoveryRecord] = [:]
    private var retrying: Task<Void, Never>?
    private let repository: any RecoveryRepository
    private let logger: Logger
    static let firstRetry: Duration = .milliseconds(500)
    static let longestRetry: Duration = .seconds(30)

    init(repository: any RecoveryRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// Recoveries ended in memory whose end is not stored yet.
    var endedUIDs: Set<String> { Set(pending.keys) }

    func add(_ record: RecoveryRecord) {
        pending[record.uid] = record
        guard retrying == nil else { return }
        retrying = Task { [weak self] in
            var delay = Self.firstRetry
            while !Task.isCancelled {
                try? await Task.sleep(for: delay)
                guard let self else { return }
                if await self.flushOrKeepRetrying() { return }
                delay = min(delay * 2, Self.longestRetry)
            }
        }
    }

    /// True (and the retry loop ends) when nothing is left; checked with no suspension
    /// between the last write and `retrying = nil`, so an `add` meanwhile is never stranded.
    private func flushOrKeepRetrying() async -> Bool {
        await flush()
        guard pending.isEmpty else { return false }
        retrying = nil
        return true
    }

    /// Writes every pending end; true when none is left.
    @discardableResult
    func flush() async -> Bool {
        for (uid, record) in pending {
            do {
                try await repository.updateRecovery(record)
                pending[uid] = nil
                logger.notice("recovery \(uid): its end (\(record.status.rawValue)) is stored now")
            } catch {
                return false
            }
        }
        return pending.isEmpty
    }
}

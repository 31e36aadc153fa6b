import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Where API writes are recorded: always the log (swift-log, notice), and as configured the
/// backend (`AuditToBackendDB`, served at `/api/audit`, purged after `AuditPurgeDays`), the
/// file `AuditLogFile` (one line each) and syslog (`AuditToSyslog`). Refused writes are logged
/// only: storing them would let anyone fill the disk.
struct APIAudit: Sendable {
    let configuration: Configuration.Audit
    let backend: Backend
    let logger: Logger
    private let sink = AuditSink()

    init(configuration: Configuration.Audit, backend: Backend, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
    }

    /// Records a write that was admitted and ran (whatever its outcome).
    func record(_ entry: AuditEntry) async {
        logger.notice("API write \(entry.method) \(entry.path): \(entry.status)", metadata: metadata(entry))
        if configuration.toBackendDB {
            let purgeBefore = entry.at.addingTimeInterval(-Double(configuration.purgeDays) * 86_400)
            do {
                try await backend.recordAudit(entry, purgeBefore: purgeBefore)
            } catch {
                logger.error("API write not stored in the audit: \(error)", metadata: metadata(entry))
            }
        }
        guard !configuration.logFile.isEmpty || configuration.toSyslog else { return }
        let line = Self.line(entry)
        if !configuration.logFile.isEmpty, let problem = await sink.append(line, to: configuration.logFile) {
            logger.error("AuditLogFile \(configuration.logFile): \(problem); the entry is in this log only", metadata: metadata(entry))
        }
        if configuration.toSyslog { await sink.syslog(line) }
    }

    /// Logs a write the access check refused (401, 403, 429).
    func refused(_ entry: AuditEntry) {
        logger.notice("API write refused \(entry.method) \(entry.path): \(entry.status)", metadata: metadata(entry))
    }

    private func metadata(_ entry: AuditEntry) -> Logger.Metadata {
        ["user": "\(entry.user.isEmpty ? "-" : entry.user)", "source": "\(entry.source)", "route": "\(entry.type)",
         "status": "\(entry.status)"]
    }

    /// `2026-12-02T01:02:03Z begin-downtime db1:5432 user=dba source=10.0.0.5:51234 GET /api/... 200 message`
    static func line(_ entry: AuditEntry) -> String {
        "\(ISO8601DateFormatter().string(from: entry.at)) \(entry.type) \(entry.instance?.description ?? "-") "
            + "user=\(entry.user.isEmpty ? "-" : entry.user) source=\(entry.source) \(entry.method) \(entry.path) \(entry.status) \(entry.message)"
    }
}

/// File and syslog writes, on one serial queue of their own so a slow disk or syslog daemon
/// never holds a thread of the cooperative pool.
private final class AuditSink: Sendable {
    private let queue = DispatchQueue(label: "orchestrator.audit")

    /// Appends `line` (the file is opened per entry, so log rotation needs no signal); the
    /// problem, or nil.
    func append(_ line: String, to path: String) async -> String? {
        await withCheckedContinuation { continuation in
            queue.async {
                let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard fd >= 0 else {
                    continuation.resume(returning: String(cString: strerror(errno)))
                    return
                }
                defer { close(fd) }
                let bytes = Array((line + "\n").utf8)
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if written < 0 {
                        if errno == EINTR { continue }
                        continuation.resume(returning: String(cString: strerror(errno)))
                        return
                    }
                    offset += written
                }
                continuation.resume(returning: nil)
            }
        }
    }

    func syslog(_ line: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                openlog("orchestrator", LOG_PID, LOG_DAEMON)
                line.withCString { text in withVaList([text]) { vsyslog(LOG_NOTICE, "%s", $0) } }
                continuation.resume()
            }
        }
    }
}

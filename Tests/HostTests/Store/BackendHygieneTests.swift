import Foundation
@testable import Host
import Testing

/// F8/F13/F19: the backend's files are private, its history is bounded, and one bad row does
/// not hide the others.
@Suite("SQLite backend: privacy, retention, robustness")
struct BackendHygieneTests {
    private func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("backend-\(UUID().uuidString)").appendingPathComponent("state").path
    }

    private func record(_ uid: String, startedAt: Date, active: Bool = false, host: String = "db1") -> RecoveryRecord {
        let entry = AnalysisEntry(
            code: .deadPrimary, instance: InstanceKey(host: host, port: 5432), upstream: nil, clusterName: "\(host):5432", description: "",
            isPrimary: true, isReadOnly: false, lastCheckValid: false, replicas: [], countValidReplicas: 1,
            countStreamingReplicas: 0, countValidReplicatingReplicas: 0, countLaggingReplicas: 0, countDowntimedReplicas: 0,
            isDowntimed: false, downtimeEnd: nil, systemIdentifier: nil, lastLSN: nil)
        var record = RecoveryRecord(uid: uid, analysis: entry, clusterAlias: "", command: "", startedAt: startedAt,
                                    processingNodeHostname: "h", processingNodeToken: "t")
        if !active {
            record.status = .successful
            record.endedAt = startedAt
        }
        return record
    }

    @Test("the directory it creates is 0700 and the database file 0600, whatever the umask; a loose file is tightened")
    func sqliteFilesArePrivate() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let old = umask(0o022)
        defer { umask(old) }
        let path = "\(dir)/orchestrator.sqlite3"
        _ = try Backend.open(path: path)
        var info = stat()
        #expect(stat(dir, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(chmod(path, 0o644) == 0)
        _ = try Backend.open(path: path)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        for companion in [path + "-wal", path + "-shm"] where stat(companion, &info) == 0 {
            #expect(info.st_mode & 0o077 == 0, "\(companion)")
        }
    }

    @Test("AuditPurgeDays: ended recoveries, their steps and role changes older than the cutoff go; running ones stay")
    func purgeHistory() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: "\(dir)/o.sqlite3")
        let old = Date().addingTimeInterval(-10 * 86400)
        _ = try #require(try await backend.registerRecovery(record("old", startedAt: old)))
        try await backend.updateRecovery(record("old", startedAt: old))
        try await backend.addRecoveryStep("old", "old step", at: old)
        let running = record("running", startedAt: old, active: true, host: "db9")
        _ = try #require(try await backend.registerRecovery(running))
        try await backend.addRecoveryStep("running", "still going", at: old)
        let fresh = record("fresh", startedAt: Date(), host: "db7")
        _ = try #require(try await backend.registerRecovery(fresh))
        try await backend.updateRecovery(fresh)
        try backend.execute("INSERT INTO instance_role_history(hostname, port, cluster_name, role, changed_at) VALUES ('db1', 5432, 'c', 'primary', ?)",
                            ["2000-01-01 00:00:00.000"])

        let removed = try await backend.purgeHistory(before: Date().addingTimeInterval(-7 * 86400))
        #expect(removed == 3)
        #expect(try await backend.recoveries().map(\.uid).sorted() == ["fresh", "running"])
        #expect(try await backend.recoverySteps("old").isEmpty)
        #expect(try await backend.recoverySteps("running").count == 1)
        #expect(try backend.count("SELECT count(*) FROM instance_role_history") == 0)
    }

    @Test("a step message over 64 KiB is stored with its start and its end, the middle cut")
    func stepOutputCapped() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: "\(dir)/o.sqlite3")
        let message = "BEGIN" + String(repeating: "x", count: 2 * 1024 * 1024) + "END"
        try await backend.addRecoveryStep("u", message)
        let stored = try #require(try await backend.recoverySteps("u").first?.message)
        #expect(stored.utf8.count < Backend.maximumStepBytes + 100)
        #expect(stored.hasPrefix("BEGIN") && stored.hasSuffix("END") && stored.contains("bytes cut"))
    }

    @Test("one undecodable recovery row is skipped; the others are still read")
    func undecodableRowSkipped() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: "\(dir)/o.sqlite3")
        _ = try #require(try await backend.registerRecovery(record("good", startedAt: Date())))
        try await backend.updateRecovery(record("good", startedAt: Date()))
        try backend.execute("""
            INSERT INTO topology_recovery(uid, cluster_name, failed_hostname, failed_port, analysis, is_active, start_timestamp, details)
            VALUES ('bad', 'other', 'db2', 5432, 'DeadPrimary', 0, CURRENT_TIMESTAMP, '{"not":"a record"}')
            """)
        #expect(try await backend.recoveries().map(\.uid) == ["good"])
    }
}

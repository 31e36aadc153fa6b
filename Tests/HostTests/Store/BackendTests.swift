import Foundation
@testable import Host
import Testing

@Suite("SQLite backend")
struct BackendTests {
    private func temporaryPath(_ name: String = "orchestrator.sqlite3") -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("backend-\(UUID().uuidString)").appendingPathComponent(name).path
    }

    @Test("a missing file and directory are created, every migration applied")
    func createsAndMigrates() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try backend.appliedMigrations() == Backend.knownMigrations)
        #expect(Backend.knownMigrations.count >= 2)
    }

    @Test("an older schema upgrades in place and keeps its data")
    func upgradesInPlace() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let first = try #require(Backend.knownMigrations.first)
        let old = try Backend.open(path: path, upTo: first)
        #expect(try old.appliedMigrations() == [first])
        try old.execute("INSERT INTO database_instance(hostname, port, first_seen) VALUES ('db1', 5432, CURRENT_TIMESTAMP)")

        let upgraded = try Backend.open(path: path)
        #expect(try upgraded.appliedMigrations() == Backend.knownMigrations)
        #expect(try upgraded.count("SELECT count(*) FROM database_instance WHERE hostname = 'db1'") == 1)
        #expect(try upgraded.count("SELECT count(*) FROM topology_recovery") == 0)
    }

    @Test("a database from a newer version is refused with a clear message")
    func refusesNewerSchema() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: path)
        try backend.execute("INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')")
        let error = #expect(throws: StoreError.self) { try Backend.open(path: path) }
        #expect(error?.description.contains("newer orchestrator") == true)
    }

    @Test("one active recovery per cluster is enforced by the schema")
    func oneActiveRecoveryPerCluster() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let backend = try Backend.open(path: path)
        let insert = """
            INSERT INTO topology_recovery(uid, cluster_name, failed_hostname, failed_port, analysis, is_active, start_timestamp)
            VALUES (?, 'c1', 'db1', 5432, 'DeadPrimary', 1, CURRENT_TIMESTAMP)
            """
        try backend.execute(insert, ["a"])
        #expect(throws: (any Error).self) { try backend.execute(insert, ["b"]) }
    }

    @Test("unusable paths are errors that name the file and say what to do", arguments: [
        "", "/proc/orchestrator-test/orchestrator.sqlite3", "/etc/hostname/orchestrator.sqlite3",
    ])
    func unusablePaths(path: String) {
        let error = #expect(throws: StoreError.self) { try Backend.open(path: path) }
        #expect(error?.description.hasPrefix("SQLite3DataFile \(path):") == true)
    }

    @Test("a file that is not a database is refused")
    func notADatabase() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try Backend.open(path: path) }
        #expect(error?.description.contains(path) == true)
    }
}

@Suite("SQLite backend: what a restart resumes from")
struct BackendRoundTripTests {
    @Test("saved instance records load back whole")
    func instancesRoundTrip() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backend-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backend = try Backend.open(path: "\(dir)/o.sqlite3")
        let key = InstanceKey(host: "db1", port: 5432)
        var record = InstanceRecord(key: key, firstSeen: Date())
        record.probe = Fixture.probe(primary: true, fingerprint: "f", replicas: ["s1"])
        record.lastCheckValid = true
        record.lastSeen = Date()
        try await backend.saveInstances([record], removed: [], roleChanges: [], clusterOf: [key: "db1:5432"])
        let loaded = try backend.loadInstances()
        #expect(loaded.map(\.key) == [key])
        #expect(loaded.first?.probe?.replicas.count == 1)
    }
}

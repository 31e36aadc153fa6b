import Foundation

/// The directory tree a test process keeps its PostgreSQL data in, owned by the OS user that
/// runs PostgreSQL.
enum Workspace {
    static func root(for major: Int) throws -> String {
        let base = ProcessInfo.processInfo.environment["PGHA_TEST_ROOT"] ?? "/tmp/pgha-tests"
        let dir = "\(base)/pg\(major)-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(base, 0o755)
        try chownToPostgresUser(dir)
        ServerProcesses.removeAtExit(dir)
        return dir
    }

    static func chownToPostgresUser(_ path: String) throws {
        guard geteuid() == 0 else { return }
        guard let pw = getpwnam(PGInstallation.osUser) else {
            throw HarnessError("OS user \(PGInstallation.osUser) does not exist; run scripts/setup.sh")
        }
        guard chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
            throw HarnessError("chown \(path): errno \(errno)")
        }
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try chownToPostgresUser(path)
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

import Foundation
internal import GRDB
import Logging
import Synchronization

/// The daemon's own state, in one SQLite file (`SQLite3DataFile`), opened in WAL mode and
/// migrated to the current schema on open.
package final class Backend: Sendable {
    package let path: String
    let database: DatabasePool
    /// Why the last write failed (full disk, read-only file system, ...); nil once one
    /// succeeds. `/api/health` reports it: a daemon that cannot record a recovery cannot start
    /// one (registration fails closed).
    private let writeFailure = Mutex<String?>(nil)
    static let logger = Logger(label: "orchestrator.backend")

    private init(path: String, database: DatabasePool) {
        self.path = path
        self.database = database
    }

    /// Opens (creating the file and its directory if missing) and migrates the backend.
    /// `upTo` stops at a given migration; tests use it to build an older schema.
    package static func open(path: String, upTo lastMigration: String? = nil) throws(StoreError) -> Backend {
        try prepareDirectory(for: path)
        try restrictDatabaseFiles(of: path)
        let database: DatabasePool
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(5)
            configuration.label = "orchestrator.backend"
            // The daemon's working set lives in memory; the file is written once a second and
            // read at start-up and by history queries. Small caches and few readers suffice.
            configuration.maximumReaderCount = 2
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -512") }
            database = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(path: path, message: "cannot open: \(reason(error)); check that the file is a SQLite database and writable by this user")
        }
        let migrator = Schema.migrator
        do {
            if try database.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError(path: path, message: "was written by a newer orchestrator (unknown schema migrations); run that version or point SQLite3DataFile elsewhere")
            }
            if let lastMigration {
                try migrator.migrate(database, upTo: lastMigration)
            } else {
                try migrator.migrate(database)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "schema migration failed: \(reason(error))")
        }
        return Backend(path: path, database: database)
    }

    /// Migrations applied to this database, oldest first.
    package func appliedMigrations() throws(StoreError) -> [String] {
        do {
            return try database.read { try Schema.migrator.appliedMigrations($0) }
        } catch {
            throw StoreError(path: path, message: reason(error))
        }
    }

    /// Every migration this build knows, oldest first.
    package static var knownMigrations: [String] { Schema.migrator.migrations }

    private static func prepareDirectory(for path: String) throws(StoreError) {
        guard !path.isEmpty else {
            throw StoreError(path: path, message: "is empty; set SQLite3DataFile to a file path")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if let failure = makeDirectories(directory) {
                throw StoreError(path: path, message: "cannot create directory \(directory): \(failure); create it or point SQLite3DataFile elsewhere")
            }
        } else if !directory.isEmpty, !isDirectory.boolValue {
            throw StoreError(path: path, message: "\(directory) is not a directory")
        }
        let dir = directory.isEmpty ? "." : directory
        if fm.fileExists(atPath: path) {
            guard fm.isWritableFile(atPath: path) else {
                throw StoreError(path: path, message: "is not writable by this user; fix its permissions or point SQLite3DataFile elsewhere")
            }
        } else if !fm.isWritableFile(atPath: dir) {
            throw StoreError(path: path, message: "directory \(dir) is not writable by this user; fix its permissions or point SQLite3DataFile elsewhere")
        }
    }
}

/// The database file is created 0600 whatever the umask (SQLite gives its `-wal` and `-shm`
/// files the database file's mode); an existing file, or its companions, readable by group or
/// others loses those bits.
private func restrictDatabaseFiles(of path: String) throws(StoreError) {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        throw StoreError(path: path, message: "cannot create: \(String(cString: strerror(errno))); fix the permissions of its directory")
    }
    close(fd)
    let fm = FileManager.default
    for file in [path, path + "-wal", path + "-shm"] {
        guard let mode = (try? fm.attributesOfItem(atPath: file))?[.posixPermissions] as? Int, mode & 0o077 != 0 else { continue }
        do {
            try fm.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: file)
        } catch {
            throw StoreError(path: path, message: "cannot make \(file) private (mode 0600): \(reason(error))")
        }
    }
}

/// `mkdir -p` with the OS's reason on failure (Foundation's message hides errno).
private func makeDirectories(_ path: String) -> String? {
    var prefix = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        prefix += "/" + component
        // Only the daemon's user reads its state (recovery history, hook output, conninfos).
        if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
            return "\(prefix): \(String(cString: strerror(errno)))"
        }
    }
    return nil
}

func reason(_ error: any Error) -> String {
    if let db = error as? DatabaseError { return db.message ?? db.description }
    if let ns = error as NSError?, let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
        return underlying.localizedDescription
    }
    return (error as NSError).localizedDescription
}

extension Backend {
    /// Runs one SQL statement with positional arguments (maintenance and tests).
    package func execute(_ sql: String, _ arguments: [String] = []) throws(StoreError) {
        do {
            try database.write { try $0.execute(sql: sql, arguments: StatementArguments(arguments)) }
        } catch {
            throw StoreError(path: path, message: reason(error))
        }
    }

    /// Whether the database answers a trivial query and takes writes; the error if not. While
    /// the last write failed, a small write is tried again here, so health recovers as soon
    /// as the disk does. Off the cooperative pool.
    package func check() async -> StoreError? {
        do {
            _ = try await database.read { try Int.fetchOne($0, sql: "SELECT 1") }
        } catch {
            return StoreError(path: path, message: reason(error))
        }
        guard lastWriteFailure != nil else { return nil }
        do {
            try await writing {
                try $0.execute(sql: "INSERT OR REPLACE INTO global_settings(name, value) VALUES ('last_health_write', ?)",
                               arguments: [String(Date().timeIntervalSince1970)])
            }
            return nil
        } catch {
            return StoreError(path: path, message: "writes fail: \(lastWriteFailure ?? reason(error)); "
                + "no recovery can be registered, so none can start. Free space or fix the file system")
        }
    }

    /// Why the last write failed, while no write has succeeded since.
    package var lastWriteFailure: String? { writeFailure.withLock { $0 } }

    /// Every write of the stores goes through here, so a failing disk shows in health.
    func writing<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let value = try await database.write(updates)
            writeFailure.withLock { $0 = nil }
            return value
        } catch {
            if !(error is CancellationError) {
                let text = reason(error)
                let first = writeFailure.withLock { old in
                    defer { old = text }
                    return old == nil
                }
                if first { Self.logger.error("SQLite3DataFile \(path): writes fail: \(text)") }
            }
            throw error
        }
    }

    /// The integer a one-value query returns (maintenance and tests).
    package func count(_ sql: String) throws(StoreError) -> Int {
        do {
            return try database.read { try Int.fetchOne($0, sql: sql) ?? 0 }
        } catch {
            throw StoreError(path: path, message: reason(error))
        }
    }
}

import Host
import Foundation
public import PGClient
import Synchronization

/// A stand-in for one ProxySQL PostgreSQL admin interface (`Tests/Support/proxysql_standin.py`):
/// SQLite tables `pgsql_servers` / `runtime_pgsql_servers`, the `LOAD`/`SAVE PGSQL SERVERS`
/// commands, and ProxySQL's protocol quirks (simple query only, one statement per query, its
/// error texts and tags). ProxySQL itself cannot be installed on the project machines.
///
/// The process keeps its port and data directory across `stop()` / `start()`, so a test can
/// take "ProxySQL" down and bring it back; a restart reloads what `SAVE … TO DISK` persisted,
/// as a real ProxySQL started without `--initial` does. Stop it with `stop()`, or use `with`;
/// an exit handler kills any stand-in a test forgot.
public actor ProxySQLStandIn {
    /// `--auth`: how the stand-in asks for the password (ProxySQL's default is SCRAM-SHA-256).
    public enum Authentication: String, Sendable {
        case scramSHA256 = "scram-sha-256"
        case md5
        case cleartext
    }

    public nonisolated let port: Int
    public nonisolated let user: String
    public nonisolated let password: String
    /// Holds `proxysql.db` (the `disk` schema) and the stand-in's log.
    public nonisolated let directory: String
    private let authentication: Authentication
    private var pid: Int32?

    private init(port: Int, user: String, password: String, authentication: Authentication, directory: String) {
        self.port = port
        self.user = user
        self.password = password
        self.authentication = authentication
        self.directory = directory
    }

    /// Starts a stand-in on a free loopback port with the admin user `user`/`password`.
    public static func start(user: String = "radmin", password: String = "radmin-test-secret",
                             authentication: Authentication = .scramSHA256) async throws -> ProxySQLStandIn {
        try await StandInLauncher.onFreshPort { port in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proxysql-standin-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let standIn = ProxySQLStandIn(port: port, user: user, password: password, authentication: authentication, directory: directory)
            do {
                try await standIn.start()
                return standIn
            } catch {
                await standIn.remove()
                throw error
            }
        }
    }

    /// Runs `body` with a fresh stand-in and removes it afterwards, also when `body` throws.
    public static func with<T: Sendable>(
        user: String = "radmin", password: String = "radmin-test-secret", authentication: Authentication = .scramSHA256,
        _ body: (ProxySQLStandIn) async throws -> T
    ) async throws -> T {
        let standIn = try await start(user: user, password: password, authentication: authentication)
        do {
            let result = try await body(standIn)
            await standIn.remove()
            return result
        } catch {
            await standIn.remove()
            throw error
        }
    }

    /// (Re)starts the process on the same port and data directory; returns once it listens.
    public func start() async throws {
        guard pid == nil else { return }
        pid = try await StandInLauncher.launch(
            "ProxySQL stand-in", script: Self.script, arguments: ["--datadir", directory, "--credentials", "\(user):\(password)",
                                                                "--auth", authentication.rawValue],
            port: port, directory: directory)
    }

    /// Stops the process (SIGKILL, as a crash would) and waits until it is gone; the port then
    /// refuses connections. The data directory stays for a later `start()`.
    public func stop() async {
        guard let running = pid else { return }
        pid = nil
        ChildProcess.signal(running, SIGCONT)
        ChildProcess.signal(running, SIGKILL)
        _ = await ChildProcess.wait(running)
        StandInProcesses.untrack(running)
    }

    /// SIGSTOP: the port still accepts TCP connections (the kernel completes the handshake)
    /// but nothing answers, like a hung ProxySQL or a black-holed link.
    public func freeze() {
        if let pid { ChildProcess.signal(pid, SIGSTOP) }
    }

    public func thaw() {
        if let pid { ChildProcess.signal(pid, SIGCONT) }
    }

    /// Stops the process and deletes its data directory.
    public func remove() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The stand-in's own output (its Python traceback if it crashed).
    public nonisolated func log() -> String {
        (try? String(contentsOfFile: "\(directory)/standin.log", encoding: .utf8)) ?? ""
    }

    public nonisolated func conninfo() -> ConnInfo {
        ConnInfo([
            .init("host", "127.0.0.1"), .init("port", String(port)), .init("user", user), .init("password", password),
            .init("dbname", "main"), .init("sslmode", "prefer"), .init("gssencmode", "disable"),
        ])
    }

    /// Runs SQL text on a short-lived connection through the simple protocol, as ProxySQL
    /// requires; one result per statement the server answered.
    @discardableResult
    public nonisolated func execute(_ sql: String, timeout: Duration = .seconds(10)) async throws -> [PGResult] {
        // The connection closes when it goes out of scope.
        try await PGConnection.connect(conninfo(), timeout: timeout).simpleQuery(sql, timeout: timeout)
    }

    /// Every row of `table` (`pgsql_servers`, `runtime_pgsql_servers`, `disk.pgsql_servers`)
    /// ordered by the primary key, each value as ProxySQL sends it (text).
    public nonisolated func rows(_ table: String) async throws -> [[String?]] {
        let sql = "SELECT hostgroup_id, hostname, port, status, weight, compression, max_connections, max_replication_lag, "
            + "use_ssl, max_latency_ms, comment FROM \(table) ORDER BY hostgroup_id, hostname, port"
        return try await execute(sql).last?.rows.map(\.values) ?? []
    }

    /// `PGHA_PROXYSQL_STANDIN`, else the script in this repository.
    static var script: String {
        if let path = ProcessInfo.processInfo.environment["PGHA_PROXYSQL_STANDIN"] { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Support/proxysql_standin.py").path
    }

    /// The system interpreter: a version-manager shim on PATH costs a shell start per launch.
    static var python: String {
        let candidates = ["/usr/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map { "\($0)/python3" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/python3"
    }
}

/// Stand-in pids still running; an exit handler kills them if a test did not.
enum StandInProcesses {
    private static let live = Mutex<Set<Int32>>([])
    private static let installed = Mutex(false)

    static func track(_ pid: Int32) {
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit { StandInProcesses.killAll() }
        }
        live.withLock { _ = $0.insert(pid) }
    }

    static func untrack(_ pid: Int32) {
        live.withLock { _ = $0.remove(pid) }
    }

    private static func killAll() {
        for pid in live.withLock({ $0 }) {
            kill(pid, SIGCONT)
            kill(pid, SIGKILL)
        }
    }
}

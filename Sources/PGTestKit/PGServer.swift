import Host
import Foundation
public import PGClient
import Synchronization

/// One PostgreSQL server of a test topology: its data directory, address and postmaster. On
/// loopback with a port of its own, or (`TopologySpec.networkNamespaces`) alone in a network
/// namespace at its own address on port 5432, as on a host of its own.
///
/// The postmaster leads its own process group (pg_ctl starts it with `setsid`), so `stop()`
/// and the exit handler can take down every backend by group, even after a SIGKILL of the
/// postmaster left orphans behind.
public final class PGServer: Sendable, CustomStringConvertible {
    public let name: String
    public let host: String
    public let port: Int
    public let dataDirectory: String
    public let installation: PGInstallation
    /// The server's network namespace; nil on loopback.
    public let network: NetworkNode?
    private let pid = Mutex<Int32?>(nil)

    init(name: String, host: String, port: Int, dataDirectory: String, installation: PGInstallation, network: NetworkNode? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.installation = installation
        self.network = network
    }

    public var description: String { "\(host):\(port)" }

    /// The postmaster's pid while it runs.
    public var postmasterPID: Int32? { pid.withLock { $0 } }

    /// Connection parameters for the daemon's superuser (or `user`/`password` given).
    public func conninfo(user: String = TestCredentials.user, password: String = TestCredentials.password) -> ConnInfo {
        ConnInfo([
            .init("host", host), .init("port", String(port)), .init("user", user),
            .init("password", password), .init("dbname", "postgres"), .init("sslmode", "disable"),
        ])
    }

    public func connect(timeout: Duration = .seconds(5)) async throws -> PGConnection {
        try await PGConnection.connect(conninfo(), timeout: timeout)
    }

    /// Runs one statement on a short-lived connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], timeout: Duration = .seconds(10)) async throws -> PGResult {
        // The connection closes when it goes out of scope.
        try await connect().query(sql, parameters, timeout: timeout)
    }

    /// Where the server's Unix socket lives: beside the data directory, not in it, because
    /// pg_rewind (a demote step) copies every file of its source's data directory and fails
    /// on a socket.
    public var socketDirectory: String { dataDirectory + ".sock" }

    /// Writes `instance.conf` (port, addresses, name), which `postgresql.conf` includes.
    func writeInstanceSettings(extra: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        if geteuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: PGInstallation.osUser], ofItemAtPath: socketDirectory)
        }
        var lines = [
            "port = \(port)",
            "listen_addresses = '\(host)'",
            "unix_socket_directories = '\(socketDirectory)'",
            "cluster_name = '\(name)'",
        ]
        lines += extra.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
        try Workspace.write(lines.joined(separator: "\n") + "\n", to: "\(dataDirectory)/instance.conf")
    }

    /// Starts the server and waits until it accepts connections. A failure says why, with the
    /// end of the server's log; a port taken meanwhile (the allocator found it free, then
    /// something else bound it) is retried once after a moment.
    public func start() async throws {
        ServerProcesses.track(dataDirectory)
        let log = "\(dataDirectory)/server.log"
        for attempt in 1...2 {
            let logged = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
            do {
                // pg_ctl waits for readiness through postmaster.pid, so this works while cut off too.
                try await Command.asPostgresUser(installation.tool("pg_ctl"), [
                    "start", "-w", "-t", "60", "-D", dataDirectory, "-l", log,
                ], in: network?.namespace).run()
                break
            } catch {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.utf8.dropFirst(logged)) ?? "" } ?? ""
                if attempt == 1, tail.contains("could not bind") || tail.contains("Address already in use") {
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                throw HarnessError("\(error)\nserver log:\n\(tail.split(separator: "\n").suffix(20).joined(separator: "\n"))")
            }
        }
        let started = try readPostmasterPID()
        pid.withLock { $0 = started }
    }

    /// Fast shutdown (SIGINT to the postmaster); SIGKILL of every process of the server if it
    /// is not gone within 15 s. Also cleans up after `killPostmaster()`.
    ///
    /// A cut-off server gets an immediate shutdown (SIGQUIT) instead: in a fast one its WAL
    /// senders wait for their standbys to confirm the last WAL, which over a dead network
    /// only ends with `wal_sender_timeout` (60 s). A server still connected to a cut-off
    /// standby waits the same way, as in production, and is SIGKILLed after 15 s;
    /// `PGTopology.stop()` avoids that.
    public func stop() async {
        await stop(immediately: isCutOff)
    }

    func stop(immediately: Bool) async {
        ServerProcesses.signal(SIGCONT, in: dataDirectory)
        signalPostmaster(immediately ? SIGQUIT : SIGINT)
        let deadline = ContinuousClock.now + .seconds(15)
        while !ServerProcesses.pids(in: dataDirectory).isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        while !ServerProcesses.pids(in: dataDirectory).isEmpty {
            ServerProcesses.signal(SIGKILL, in: dataDirectory)
            try? await Task.sleep(for: .milliseconds(10))
        }
        ServerProcesses.untrack(dataDirectory)
        pid.withLock { $0 = nil }
    }

    /// SIGKILL of the postmaster alone, as a crash would do. Its backends notice and exit.
    public func killPostmaster() async {
        guard let current = pid.withLock({ $0 }), signalPostmaster(SIGKILL) else { return }
        while ServerProcesses.isAlive(current), ServerProcesses.pids(in: dataDirectory).contains(current) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Signals the postmaster only while its pid still runs in this data directory. A pid kept
    /// after the postmaster died (`killPostmaster()`, a crash) is soon reused on a busy machine
    /// (pid_max is 32768): a plain `kill` of it hit unrelated processes, e.g. a ProxySQL stand-in
    /// of another test, which a SIGINT ends silently while it starts.
    @discardableResult
    private func signalPostmaster(_ signal: Int32) -> Bool {
        guard let current = pid.withLock({ $0 }), ServerProcesses.pids(in: dataDirectory).contains(current) else { return false }
        return kill(current, signal) == 0
    }

    /// Stops every process of the server (SIGSTOP): connections stay open but nothing answers,
    /// as with a hung host.
    public func freeze() {
        signalPostmaster(SIGSTOP)
        ServerProcesses.signal(SIGSTOP, in: dataDirectory)
    }

    public func thaw() {
        ServerProcesses.signal(SIGCONT, in: dataDirectory)
    }

    /// Whether `cutOff()` took the server's network away.
    public var isCutOff: Bool { network?.isCutOff ?? false }

    /// Cuts the server's host off the network: packets to and from it are silently lost, so
    /// open connections hang and new ones time out (nothing is refused or reset). The server
    /// itself runs on; `stop()` and the other controls still work.
    public func cutOff() async throws {
        try await requireNetwork().cutOff()
    }

    /// Undoes `cutOff()`. Open connections carry on once TCP retransmits.
    public func reconnect() async throws {
        try await requireNetwork().reconnect()
    }

    /// Makes the server unreachable from the test process (and an `orchestrator` it runs)
    /// while its standbys keep streaming from it: the daemon's view alone is cut.
    public func hideFromHost() async throws {
        try await requireNetwork().hideFromRoot()
    }

    public func unhideFromHost() async throws {
        try await requireNetwork().unhideFromRoot()
    }

    private func requireNetwork() throws -> NetworkNode {
        guard let network else { throw HarnessError("\(name) runs on loopback; network faults need TopologySpec(networkNamespaces: true)") }
        return network
    }

    /// Stops (fast) and starts again, also after `killPostmaster()`.
    public func restart() async throws {
        await stop()
        try await start()
    }

    /// Takes over a postmaster someone else started in this data directory (a demote script
    /// restarted the server), so `stop()` signals the running one.
    public func adoptRunningPostmaster() throws {
        let running = try readPostmasterPID()
        guard ServerProcesses.isAlive(running) else { throw HarnessError("\(name): postmaster \(running) is not running") }
        ServerProcesses.track(dataDirectory)
        pid.withLock { $0 = running }
    }

    private func readPostmasterPID() throws -> Int32 {
        let text = try String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8)
        guard let first = text.split(separator: "\n").first, let value = Int32(first) else {
            throw HarnessError("\(dataDirectory)/postmaster.pid has no pid")
        }
        return value
    }
}

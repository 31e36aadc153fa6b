public import Host
import Foundation

/// A PostgreSQL server that lies (`Tests/Support/pg_hostile_standin.py`): it speaks the wire
/// protocol well enough for libpq and answers the daemon's probe with NaN and infinite lags,
/// `FFFFFFFF/FFFFFFFF` LSNs, NULLs, garbage, version 99999 and, on request, a system identifier
/// that changes on every connection. For the tests of review findings F3 and F17: whatever a
/// monitored server answers, the daemon must not crash or poison its store.
///
/// Stop it with `stop()`, or use `with`; an exit handler kills any stand-in a test forgot.
public actor HostilePostgres {
    public struct Options: Sendable {
        /// Asked for in cleartext (libpq sends it), or trust authentication when nil.
        public var password: String?
        /// Claimed as its own, e.g. a real primary's, to join that cluster as a standby.
        public var systemIdentifier: String?
        /// The port on 127.0.0.1 it claims to stream from.
        public var upstreamPort: Int?
        /// A new system identifier on every connection; the connection closes after each probe.
        public var flipIdentity = false
        /// A subset of the variants (`nan-lag`, `infinite-lag`, `huge-clock`, `max-lsn`, `nulls`,
        /// `garbage`), answered round robin; all when empty.
        public var variants: [String] = []

        public init(password: String? = nil, systemIdentifier: String? = nil, upstreamPort: Int? = nil,
                    flipIdentity: Bool = false, variants: [String] = []) {
            self.password = password
            self.systemIdentifier = systemIdentifier
            self.upstreamPort = upstreamPort
            self.flipIdentity = flipIdentity
            self.variants = variants
        }
    }

    public nonisolated let port: Int
    public nonisolated let directory: String
    private var pid: Int32?

    private init(port: Int, directory: String) {
        self.port = port
        self.directory = directory
    }

    public nonisolated var key: InstanceKey { InstanceKey(host: "127.0.0.1", port: port) }

    public static func start(_ options: Options = Options()) async throws -> HostilePostgres {
        try await StandInLauncher.onFreshPort { port in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-pg-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let server = HostilePostgres(port: port, directory: directory)
            do {
                try await server.launch(options)
                return server
            } catch {
                await server.remove()
                throw error
            }
        }
    }

    /// Runs `body` with a fresh stand-in and removes it afterwards, also when `body` throws.
    public static func with<T: Sendable>(_ options: Options = Options(), _ body: (HostilePostgres) async throws -> T) async throws -> T {
        let server = try await start(options)
        do {
            let result = try await body(server)
            await server.remove()
            return result
        } catch {
            await server.remove()
            throw error
        }
    }

    private func launch(_ options: Options) async throws {
        var arguments: [String] = []
        if let password = options.password { arguments += ["--password", password] }
        if let id = options.systemIdentifier { arguments += ["--system-identifier", id] }
        if let upstream = options.upstreamPort { arguments += ["--upstream-port", String(upstream)] }
        if options.flipIdentity { arguments.append("--flip-identity") }
        if !options.variants.isEmpty { arguments += ["--variants", options.variants.joined(separator: ",")] }
        pid = try await StandInLauncher.launch("hostile PostgreSQL stand-in", script: Self.script, arguments: arguments,
                                               port: port, directory: directory)
    }

    /// How many probe answers it has given so far (from its log).
    public nonisolated func probesAnswered() -> Int {
        log().split(separator: "\n").filter { $0.hasPrefix("probe ") }.count
    }

    public func stop() async {
        guard let running = pid else { return }
        pid = nil
        ChildProcess.signal(running, SIGKILL)
        _ = await ChildProcess.wait(running)
        StandInProcesses.untrack(running)
    }

    public func remove() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// What it answered, one line per statement (and its traceback if it crashed).
    public nonisolated func log() -> String {
        (try? String(contentsOfFile: "\(directory)/standin.log", encoding: .utf8)) ?? ""
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Support/pg_hostile_standin.py").path
    }
}

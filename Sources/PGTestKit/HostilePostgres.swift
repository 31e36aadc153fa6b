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
        // As ProxySQLStandIn.start: an ephemeral port taken before Python binds it is retried.
        var attempt = 0
        while true {
            attempt += 1
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-pg-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let server = HostilePostgres(port: try freePort(), directory: directory)
            do {
                try await server.launch(options)
                return server
            } catch let error as HarnessError where attempt < 3 && "\(error)".contains("address already in use") {
                await server.remove()
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
        let ready = "\(directory)/ready"
        var arguments = [Self.script, "--port", String(port), "--ready-file", ready]
        if let password = options.password { arguments += ["--password", password] }
        if let id = options.systemIdentifier { arguments += ["--system-identifier", id] }
        if let upstream = options.upstreamPort { arguments += ["--upstream-port", String(upstream)] }
        if options.flipIdentity { arguments.append("--flip-identity") }
        if !options.variants.isEmpty { arguments += ["--variants", options.variants.joined(separator: ",")] }
        let started = try ChildProcess.spawn(ProxySQLStandIn.python, arguments, environment: ProcessInfo.processInfo.environment,
                                             outputPath: "\(directory)/standin.log")
        pid = started
        StandInProcesses.track(started)
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: ready) {
            if !ServerProcesses.isAlive(started) {
                pid = nil
                let ended = await ChildProcess.wait(started)
                StandInProcesses.untrack(started)
                throw HarnessError("hostile PostgreSQL stand-in ended before it listened on \(port): \(ended)\n\(log())")
            }
            guard ContinuousClock.now < deadline else {
                await stop()
                throw HarnessError("hostile PostgreSQL stand-in did not start listening on \(port) within 30 s:\n\(log())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
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

import Foundation
import Host
import PGTestKit
import Testing

/// Idle API connections, many more than `MaxAPIConnections` and than the daemon's open-files
/// limit, while the primary dies: the daemon holds at most the cap of them, closes idle ones
/// after `APIIdleTimeoutSeconds`, and the failover completes (it needs fresh PostgreSQL
/// connections and, for the pre-failover hook, a pipe and output files, so free descriptors).
/// Without the cap (measured: `MaxAPIConnections` 100000, no idle timeout) the daemon sits at
/// all 2048 of its descriptors; that failover still got through, on descriptors the dead
/// primary's connections freed during NIO's accept backoff: luck, which this test does not
/// rely on: it checks the cap and the idle timeout themselves.
@Suite("API connection flood during a failover")
struct APIConnectionFloodTests {
    static let cap = 200
    static let idleSeconds = 2
    /// The daemon's open-files limit: far below the flood, well above the cap.
    static let daemonOpenFiles = 2048

    /// Raises this process's soft open-files limit to the hard one; the connections it may open
    /// while keeping 2000 descriptors for PostgreSQL, the harness and the runner.
    static func connectionBudget(_ wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return min(wanted, Int(clamping: limit.rlim_cur) - 2000)
    }

    /// Open descriptors of `pid` (its /proc entry).
    static func openDescriptors(_ pid: Int32) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
    }

    /// Whether the server has closed `fd` (end of file or reset).
    static func closedByServer(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE))
    }

    @Test("10,000 idle connections (or what the fd limit allows) do not stop a failover; the cap holds and idle ones are closed")
    func idleConnectionsDoNotStopFailover() async throws {
        let wanted = Self.connectionBudget(10_000)
        try #require(wanted >= 1000, "the open-files limit allows only \(wanted) test connections")
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let port = try freePort()
            let database = RecoveryFixture.scratchPath("orchestrator.sqlite3")
            let configPath = RecoveryFixture.scratchPath("orchestrator.json")
            defer {
                for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
                unlink(configPath)
            }
            let seeds = topology.servers.map { "\"\($0)\"" }.joined(separator: ", ")
            try """
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(database)",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": [\(seeds)],
                 "RecoverMasterClusterFilters": [".*"], "RecoveryPeriodBlockSeconds": 0, "PreFailoverProcesses": ["true"],
                 "MaxAPIConnections": \(Self.cap), "APIIdleTimeoutSeconds": \(Self.idleSeconds)}
                """.write(toFile: configPath, atomically: true, encoding: .utf8)
            let daemon = try OrchestratorProcess.start(["--config", configPath, "http"], openFiles: Self.daemonOpenFiles)
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let api = "http://127.0.0.1:\(port)/api"
            try await eventually(timeout: .seconds(30)) {
                let answer = try? await OrchestratorProcess.request("\(api)/all-instances")
                return answer.flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [Any] }?.count == 2
            }
            let baseline = Self.openDescriptors(daemon.pid)

            var connections: [Int32] = []
            defer { for fd in connections { close(fd) } }
            for _ in 0..<wanted {
                guard let fd = loopbackConnection(port, blocking: false) else { break }
                connections.append(fd)
            }
            #expect(connections.count == wanted, "opened \(connections.count) of \(wanted)")
            try await Task.sleep(for: .milliseconds(500))
            var most = Self.openDescriptors(daemon.pid)

            // The primary dies while the API is flooded.
            let killedAt = ContinuousClock.now
            await topology.primary.killPostmaster()
            let backend = try Backend.open(path: database)
            var closed = Set<Int32>()
            var record: RecoveryRecord?
            while ContinuousClock.now < killedAt + .seconds(60) {
                most = max(most, Self.openDescriptors(daemon.pid))
                for fd in connections where !closed.contains(fd) && Self.closedByServer(fd) { closed.insert(fd) }
                if record == nil, let newest = try await backend.recoveries(limit: 1).first, !newest.isActive { record = newest }
                if record != nil, closed.count >= 2 * Self.cap { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let recovery = try #require(record, "no recovery ended within 60 s of the primary's death")
            #expect(recovery.isSuccessful, "\(recovery.status): \(recovery.errors); daemon log: \(daemon.output().suffix(3000))")
            #expect(recovery.successor == topology.standbys[0].key)
            #expect(try await RecoveryFixture.isInRecovery(topology.standbys[0]) == false, "the standby was not promoted")
            // The cap held: the daemon never had more than the cap of API sockets besides what
            // it had before (PostgreSQL connections come and go; allow for them).
            #expect(most <= baseline + Self.cap + 50, "daemon descriptors: \(baseline) before, \(most) at most")
            // Idle connections were closed by the server, batch after batch.
            #expect(closed.count >= 2 * Self.cap, "\(closed.count) of \(connections.count) closed by the server")

            // Without the flood, the API answers at once again.
            for fd in connections { close(fd) }
            connections = []
            try await eventually(timeout: .seconds(20)) {
                (try? await OrchestratorProcess.request("\(api)/health", method: "GET"))?.status == 200
            }
            ChildProcess.signal(daemon.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
        }
    }
}

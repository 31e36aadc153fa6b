import Foundation
import HookAPI
import Host
import PGTestKit
import Testing

/// Outcome 7 / F8: a backend that stops taking writes in the middle of a recovery neither
/// stops the failover nor blocks the cluster forever, and health says so.
@Suite("Backend faults during a recovery (real servers, tmpfs)")
struct BackendFaultTests {
    /// Runs a command as root, to completion.
    static func run(_ executable: String, _ arguments: [String]) async throws {
        let output = RecoveryFixture.scratchPath("cmd.out")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn(executable, arguments, environment: ProcessInfo.processInfo.environment, outputPath: output)
        let termination = await ChildProcess.wait(pid)
        guard termination == .exited(0) else {
            throw HarnessError("\(executable) \(arguments) ended with \(termination): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        }
    }

    /// Polls `condition` (errors count as "not yet": the daemon may still be starting).
    static func until(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        try await eventually(timeout: timeout) { (try? await condition()) == true }
    }

    @Test("SQLite full in the middle of a failover: it completes, /api/health answers 503 with the reason, the end is stored once space is back",
          .enabled(if: geteuid() == 0, "mounts a tmpfs"))
    func backendFullDuringRecovery() async throws {
        let mountPoint = RecoveryFixture.scratchPath("tmpfs")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try await Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mountPoint])
        defer {
            _ = umount2(mountPoint, Int32(MNT_DETACH))
            rmdir(mountPoint)
        }
        let fill = "\(mountPoint)/fill"
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let seeds = topology.servers.map { "\"\($0)\"" }.joined(separator: ", ")
            let config = RecoveryFixture.scratchPath("orchestrator.json")
            defer { unlink(config) }
            // The pre-failover hook fills the file system: the recovery is registered, every
            // later write of it fails.
            try """
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(mountPoint)/orchestrator.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": [\(seeds)],
                 "RecoverMasterClusterFilters": ["*"], "RecoveryPeriodBlockSeconds": 0,
                 "PreFailoverProcesses": ["dd if=/dev/zero of=\(fill) bs=64k 2>/dev/null; true"]}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let daemon = try OrchestratorProcess.start(["--config", config, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let api = "http://127.0.0.1:\(port)/api"
            try await Self.until {
                let (_, body) = try await OrchestratorProcess.request("\(api)/all-instances")
                return (try json(body) as? [Any])?.count == 3
            }
            #expect(try await OrchestratorProcess.request("\(api)/health").status == 200)
            await topology.primary.killPostmaster()

            // The failover completes although nothing of it after the hook could be written.
            var successor: PGServer?
            try await Self.until(timeout: .seconds(60)) {
                successor = nil
                for standby in topology.standbys where try await !RecoveryFixture.isInRecovery(standby) { successor = standby }
                return successor != nil
            }
            let promoted = try #require(successor)
            let other = try #require(topology.standbys.first { $0.key != promoted.key })
            try await RecoveryFixture.waitUntilStreaming(other, from: promoted, timeout: .seconds(60))
            #expect(FileManager.default.fileExists(atPath: fill))

            // Health turns 503 with the reason while writes fail.
            var reason = ""
            try await Self.until {
                let (status, body) = try await OrchestratorProcess.request("\(api)/health")
                reason = String(decoding: body, as: UTF8.self)
                return status == 503
            }
            #expect(reason.contains("writes fail"), "\(reason)")

            // Space back: the end of the recovery is stored by the retry, health is 200 again.
            unlink(fill)
            try await Self.until(timeout: .seconds(60)) {
                let (_, body) = try await OrchestratorProcess.request("\(api)/audit-recovery")
                let recoveries = try json(body) as? [[String: Any]]
                return recoveries?.first?["Status"] as? String == "successful" && recoveries?.first?["IsActive"] as? Bool == false
            }
            try await Self.until { try await OrchestratorProcess.request("\(api)/health").status == 200 }
            // If writing the end failed (usual: the disk was full then), the retry stored it.
            // SQLite can still fit the end in pages it already holds (CI saw it once); then the
            // outcome above is what counts.
            let log = daemon.output()
            if log.contains("retrying until it is stored") {
                #expect(log.contains("is stored now"), "\(log.suffix(3000))")
            }
            ChildProcess.signal(daemon.pid, SIGKILL)
            _ = await ChildProcess.wait(daemon.pid)
        }
    }
}

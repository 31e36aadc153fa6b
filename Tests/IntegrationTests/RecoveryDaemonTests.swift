import Foundation
import Host
import PGTestKit
import Testing

/// Recovery through the `orchestrator` binary: what survives a crash of the daemon, and the
/// recovery API in Orchestrator's shapes.
@Suite("Recovery through the daemon: restart mid-recovery, recovery API")
struct RecoveryDaemonTests {
    struct Daemon {
        let process: OrchestratorProcess
        let base: String
    }

    func start(_ topology: PGTopology, port: Int, database: String, extra: String = "") throws -> (Daemon, String) {
        let seeds = topology.servers.map { "\"\($0)\"" }.joined(separator: ", ")
        let path = RecoveryFixture.scratchPath("orchestrator.json")
        try """
            {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(database)",
             "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
             "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": [\(seeds)],
             "RecoverMasterClusterFilters": [".*"], "RecoveryPeriodBlockSeconds": 3600 \(extra)}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let process = try OrchestratorProcess.start(["--config", path, "http"])
        return (Daemon(process: process, base: "http://127.0.0.1:\(port)/api"), path)
    }

    func get(_ url: String) async throws -> Any {
        let (_, body) = try await OrchestratorProcess.request(url)
        return try JSONSerialization.jsonObject(with: body)
    }

    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while (try? await condition()) != true {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within \(timeout): \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test("a stop (SIGTERM) during a recovery waits for it: the failover completes and is recorded successful, not interrupted")
    func stopWaitsForRecovery() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let database = RecoveryFixture.scratchPath("orchestrator.sqlite3")
            let hookStarted = RecoveryFixture.scratchPath("hook.started")
            defer {
                for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
                unlink(hookStarted)
            }
            // The pre-failover hook takes 2 s: the daemon is told to stop while it runs.
            let (daemon, config) = try start(topology, port: port, database: database,
                                             extra: ", \"PreFailoverProcesses\": [\"touch \(hookStarted); sleep 2\"]")
            defer {
                ChildProcess.signal(daemon.process.pid, SIGKILL)
                unlink(config)
            }
            try await eventually("three instances known") { (try await get("\(daemon.base)/all-instances") as? [Any])?.count == 3 }
            await topology.primary.killPostmaster()
            try await eventually("the pre-failover hook runs") { FileManager.default.fileExists(atPath: hookStarted) }
            ChildProcess.signal(daemon.process.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.process.pid) == .exited(0))
            #expect(daemon.process.output().contains("waiting up to"), "\(daemon.process.output().suffix(2000))")
            let recoveries = try await Backend.open(path: database).recoveries(.all, limit: 10)
            #expect(recoveries.map(\.status) == [.successful], "\(recoveries.map { "\($0.status) \($0.errors)" })")
            var primaries = 0
            for standby in topology.standbys where !(try await RecoveryFixture.isInRecovery(standby)) { primaries += 1 }
            #expect(primaries == 1)
        }
    }

    @Test("a daemon killed mid-recovery neither repeats nor forgets it; after an acknowledgement, exactly one promotion")
    func restartMidRecovery() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let database = RecoveryFixture.scratchPath("orchestrator.sqlite3")
            let hookPID = RecoveryFixture.scratchPath("hook.pid")
            defer {
                for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
                unlink(hookPID)
            }
            // The pre-failover hook hangs: the daemon is killed while it runs.
            let (first, firstConfig) = try start(topology, port: port, database: database,
                                                 extra: ", \"PreFailoverProcesses\": [\"echo $$ > \(hookPID); sleep 60\"]")
            defer { unlink(firstConfig) }
            try await eventually("three instances known") { (try await get("\(first.base)/all-instances") as? [Any])?.count == 3 }
            await topology.primary.killPostmaster()
            try await eventually("the pre-failover hook runs") { FileManager.default.fileExists(atPath: hookPID) }
            ChildProcess.signal(first.process.pid, SIGKILL)
            _ = await ChildProcess.wait(first.process.pid)
            if let text = try? String(contentsOfFile: hookPID, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(-pid, SIGKILL)
            }

            let saved = try Backend.open(path: database)
            let rows = try saved.count("SELECT count(*) FROM database_instance")
            #expect(try saved.loadInstances().count == 3, "\(rows) rows")
            let (second, secondConfig) = try start(topology, port: port, database: database)
            defer {
                ChildProcess.signal(second.process.pid, SIGKILL)
                unlink(secondConfig)
            }
            try await eventually("the interrupted recovery is concluded") {
                let all = try await get("\(second.base)/audit-recovery") as? [[String: Any]]
                return all?.first?["Status"] as? String == "interrupted"
            }
            let recoveries = try #require(try await get("\(second.base)/audit-recovery") as? [[String: Any]])
            #expect(recoveries.count == 1)
            let interrupted = try #require(recoveries.first)
            #expect(interrupted["IsActive"] as? Bool == false)
            #expect(interrupted["IsSuccessful"] as? Bool == false)
            #expect((interrupted["AnalysisEntry"] as? [String: Any])?["Analysis"] as? String == "DeadPrimary")
            let uid = try #require(interrupted["UID"] as? String)
            let steps = try #require(try await get("\(second.base)/audit-recovery-steps/\(uid)") as? [[String: Any]])
            #expect(steps.contains { ($0["Message"] as? String)?.contains("PreFailoverProcesses[0]: running") == true })
            #expect(steps.allSatisfy { $0["AuditAt"] is String && $0["RecoveryUID"] as? String == uid })

            // Held back, not repeated: listed as blocked; both standbys still standbys.
            try await eventually("the blocked recovery is listed; daemon log: \(second.process.output().suffix(3000)); analysis: \(String(describing: try? await get("\(second.base)/replication-analysis")))") {
                (try await get("\(second.base)/blocked-recoveries") as? [[String: Any]])?.first?["BlockingRecoveryId"] as? String == uid
            }
            for standby in topology.standbys { #expect(try await RecoveryFixture.isInRecovery(standby)) }
            let analysis = try #require(try await get("\(second.base)/replication-analysis") as? [String: Any])
            #expect(analysis["Code"] as? String == "OK")
            let entry = try #require((analysis["Details"] as? [[String: Any]])?.first)
            #expect(entry["Analysis"] as? String == "DeadPrimary")
            #expect(entry["IsActionableRecovery"] as? Bool == true)
            #expect((entry["AnalyzedInstanceKey"] as? [String: Any])?["Port"] as? Int == topology.primary.port)

            // orchestrator-client's view of the same, through `orchestrator -c`.
            let cli = try await OrchestratorProcess.client(["-c", "replication-analysis"], environment: ["ORCHESTRATOR_API": second.base])
            #expect(cli.termination == .exited(0))
            #expect(cli.output.contains("\(topology.primary) (cluster \(topology.primary)): DeadPrimary"), "\(cli.output)")
            let ack = try #require(try await get("\(second.base)/ack-recovery/uid/\(uid)?comment=checked") as? [String: Any])
            #expect(ack["Code"] as? String == "OK")
            #expect(ack["Details"] as? Int == 1)
            try await eventually("a second recovery succeeds") {
                let all = try await get("\(second.base)/audit-recovery") as? [[String: Any]]
                return all?.count == 2 && all?.first?["IsSuccessful"] as? Bool == true
            }
            let acknowledged = try #require((try await get("\(second.base)/audit-recovery") as? [[String: Any]])?.last)
            #expect(acknowledged["Acknowledged"] as? Bool == true && acknowledged["AcknowledgedComment"] as? String == "checked")
            var promoted = 0
            for standby in topology.standbys where try await !RecoveryFixture.isInRecovery(standby) { promoted += 1 }
            #expect(promoted == 1)
            let v2 = try #require(try await get("\(second.base)/v2/recoveries") as? [String: Any])
            #expect(v2["status"] as? String == "ok")
            let data = try #require(v2["data"] as? [[String: Any]])
            #expect(data.first?["SuccessorKey"] as? [String: Any] != nil)
            #expect((data.first?["AnalysisEntry"] as? [String: Any])?["Analysis"] as? String == "DeadPrimary")
            let metricsURL = second.base.replacingOccurrences(of: "/api", with: "/metrics")
            try await eventually("recovery metrics") {
                let text = String(decoding: try await OrchestratorProcess.request(metricsURL).body, as: UTF8.self)
                return text.contains("orchestrator_recoveries_total{") && text.contains("result=\"successful\"")
                    && text.contains("orchestrator_recovery_duration_seconds") && text.contains("orchestrator_analysis_entries{code=\"DeadPrimary\"}")
            }
            let active = try #require(try await get("\(second.base)/v2/recoveries/active") as? [String: Any])
            #expect((active["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("downtime, candidates and the global switch through the API")
    func maintenanceEndpoints() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let port = try freePort()
            let database = RecoveryFixture.scratchPath("orchestrator.sqlite3")
            defer { for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) } }
            let (daemon, config) = try start(topology, port: port, database: database)
            defer {
                ChildProcess.signal(daemon.process.pid, SIGKILL)
                unlink(config)
            }
            let standby = topology.standbys[0]
            let path = "\(standby.host)/\(standby.port)"
            try await eventually("two instances known") { (try await get("\(daemon.base)/all-instances") as? [Any])?.count == 2 }

            // orchestrator-client sends owner and reason URL-encoded with echo's newline.
            let begin = try #require(try await get("\(daemon.base)/begin-downtime/\(path)/alice%0A/kernel-upgrade%0A/15m") as? [String: Any])
            #expect(begin["Code"] as? String == "OK")
            let downtimed = try #require(try await get("\(daemon.base)/downtimed") as? [[String: Any]])
            #expect(downtimed.count == 1 && downtimed[0]["DowntimeOwner"] as? String == "alice" && downtimed[0]["DowntimeReason"] as? String == "kernel-upgrade")
            let bad = try #require(try await get("\(daemon.base)/begin-downtime/\(path)/alice/x/soon") as? [String: Any])
            #expect(bad["Code"] as? String == "ERROR" && (bad["Message"] as? String)?.contains("duration") == true)
            #expect((try await get("\(daemon.base)/end-downtime/\(path)") as? [String: Any])?["Code"] as? String == "OK")
            #expect((try await get("\(daemon.base)/end-downtime/\(path)") as? [String: Any])?["Code"] as? String == "ERROR")
            #expect((try await get("\(daemon.base)/downtimed") as? [Any])?.isEmpty == true)

            #expect((try await get("\(daemon.base)/register-candidate/\(path)/prefer") as? [String: Any])?["Code"] as? String == "OK")
            let wrongRule = try #require(try await get("\(daemon.base)/register-candidate/\(path)/always") as? [String: Any])
            #expect(wrongRule["Code"] as? String == "ERROR" && (wrongRule["Message"] as? String)?.contains("must_not") == true)

            #expect((try await get("\(daemon.base)/check-global-recoveries") as? [String: Any])?["Details"] as? String == "enabled")
            #expect((try await get("\(daemon.base)/disable-global-recoveries") as? [String: Any])?["Code"] as? String == "OK")
            #expect((try await get("\(daemon.base)/check-global-recoveries") as? [String: Any])?["Details"] as? String == "disabled")
            #expect((try await get("\(daemon.base)/enable-global-recoveries") as? [String: Any])?["Code"] as? String == "OK")
            #expect((try await get("\(daemon.base)/check-global-recoveries") as? [String: Any])?["Details"] as? String == "enabled")

            // The same through `orchestrator -c`, printing what orchestrator-client prints.
            func cli(_ arguments: String...) async throws -> String {
                let result = try await OrchestratorProcess.client(["-c"] + arguments, environment: ["ORCHESTRATOR_API": daemon.base])
                #expect(result.termination == .exited(0), "\(arguments): \(result.output)")
                return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let instance = standby.description
            #expect(try await cli("begin-downtime", "-i", instance, "--owner", "bob", "--reason", "patching", "--duration", "10m") == instance)
            #expect(try await cli("downtimed") == instance)
            #expect(try await cli("end-downtime", "-i", instance) == instance)
            #expect(try await cli("register-candidate", "-i", instance, "--promotion-rule", "prefer_not") == instance)
            #expect(try await cli("disable-global-recoveries").isEmpty == false)
            #expect(try await cli("check-global-recoveries") == "disabled")
            _ = try await cli("enable-global-recoveries")
            #expect(try await cli("check-global-recoveries") == "enabled")
            #expect(try await cli("replication-analysis").isEmpty)

            let recover = try #require(try await get("\(daemon.base)/recover/\(topology.primary.host)/\(topology.primary.port)") as? [String: Any])
            #expect(recover["Code"] as? String == "ERROR", "a healthy primary is not recovered")
            #expect((try await get("\(daemon.base)/ack-all-recoveries?comment=none") as? [String: Any])?["Details"] as? Int == 0)

            // Switchover and relocation routes: refusals in the envelope, then a switchover to
            // the only standby, which without a demote step leaves the old primary fenced.
            let primary = "\(topology.primary.host)/\(topology.primary.port)"
            let unknown = try #require(try await get("\(daemon.base)/graceful-master-takeover/no-such-cluster") as? [String: Any])
            #expect(unknown["Code"] as? String == "ERROR" && (unknown["Message"] as? String)?.contains("Unknown cluster") == true)
            let notStandby = try #require(try await get("\(daemon.base)/graceful-master-takeover/\(primary)/\(primary)") as? [String: Any])
            #expect(notStandby["Code"] as? String == "ERROR" && (notStandby["Message"] as? String)?.contains("not a direct standby") == true)
            let itself = try #require(try await get("\(daemon.base)/relocate/\(path)/\(path)") as? [String: Any])
            #expect(itself["Code"] as? String == "ERROR" && (itself["Message"] as? String)?.contains("itself") == true)
            let takeover = try #require(try await get("\(daemon.base)/graceful-master-takeover-auto/\(topology.primary.host):\(topology.primary.port)") as? [String: Any])
            #expect(takeover["Code"] as? String == "OK", "\(takeover)")
            #expect((takeover["Message"] as? String)?.contains("no demote step") == true)
            let details = try #require(takeover["Details"] as? [String: Any])
            #expect((details["SuccessorKey"] as? [String: Any])?["Port"] as? Int == standby.port)
            #expect(details["Command"] as? String == "graceful-master-takeover" && details["IsSuccessful"] as? Bool == true)
            let fenced = try #require(try await get("\(daemon.base)/downtimed") as? [[String: Any]])
            #expect(fenced.count == 1 && (fenced.first?["DowntimeReason"] as? String)?.contains("fenced") == true, "\(fenced)")
            let oldPrimary = try #require(try await get("\(daemon.base)/instance/\(primary)") as? [String: Any])
            #expect(oldPrimary["IsDowntimed"] as? Bool == true && (oldPrimary["DowntimeReason"] as? String)?.contains("fenced") == true)
            #expect(try await !RecoveryFixture.isInRecovery(standby))
        }
    }
}

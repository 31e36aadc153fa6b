import ArgumentParser
import Foundation
import Host
import PGTestKit

/// The switchover benchmark (bench/switchover.sh): a primary and two standbys, the
/// release-built daemon with the default demote script, a client committing one row at a time
/// as fast as it can (following the primary); then `graceful-master-takeover` to the first
/// standby. Measures, per run, the longest gap between two acknowledged commits (the write
/// pause the switchover causes) and checks that no acknowledged commit was lost.
struct SwitchoverRun {
    let orchestrator: String
    let demoteScript: String

    func measure(runs: Int) async throws {
        print("run,longest_gap_s,lost_commits,status,successor")
        var gaps: [Double] = []
        for index in 1...runs {
            let result = try await once()
            gaps.append(result.gap)
            print(String(format: "%d,%.3f,%d,%@,%@", index, result.gap, result.lost, result.status, result.successor))
        }
        print("summary longest write gap: " + Stats(gaps).description)
    }

    struct Result {
        var gap: Double
        var lost: Int
        var status: String
        var successor: String
    }

    func once() async throws -> Result {
        let orchestrator = self.orchestrator, demoteScript = self.demoteScript
        return try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchoverbench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let demote = try DemoteSetup(topology)
            defer {
                demote.remove()
                try? FileManager.default.removeItem(atPath: dir)
            }
            let config: [String: Any] = [
                "ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/o.sqlite3",
                "PostgreSQLTopologyUser": TestCredentials.user, "PostgreSQLTopologyPassword": TestCredentials.password,
                "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": topology.servers.map(\.description),
                "RecoverMasterClusterFilters": [".*"], "HookTimeoutSeconds": 120,
                "DemoteProcesses": [demote.command(script: demoteScript, topology)],
            ]
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: "\(dir)/o.json"))
            let pid = try ChildProcess.spawn(orchestrator, ["--config", "\(dir)/o.json", "http"],
                                             environment: ProcessInfo.processInfo.environment, outputPath: "\(dir)/daemon.log")
            defer { ChildProcess.signal(pid, SIGKILL) }
            let api = "http://127.0.0.1:\(port)/api"
            try await Self.waitUntil("the daemon sees three healthy instances") {
                let all = try await FailoverBench.json("\(api)/all-instances") as? [[String: Any]]
                return all?.count == 3 && all!.allSatisfy { $0["IsLastCheckValid"] as? Bool == true }
            }
            let load = WriteLoad(targets: topology.servers)
            try await load.start()
            try await load.waitForAcknowledged(500)
            let primary = topology.primary, designated = topology.standbys[0]
            let answer = try await FailoverBench.json(
                "\(api)/graceful-master-takeover/\(primary.host)/\(primary.port)/\(designated.host)/\(designated.port)") as? [String: Any] ?? [:]
            let details = answer["Details"] as? [String: Any] ?? [:]
            let status = (details["Status"] as? String) ?? "refused: \(answer["Message"] as? String ?? "?")"
            let before = await load.acknowledged.count
            try await load.waitForAcknowledged(before + 500)
            let acks = await load.stop()
            let lost = try await WriteLoad.missing(acks, on: designated).count
            if (try? primary.adoptRunningPostmaster()) == nil { FileHandle.standardError.write(Data("  the old primary is not running\n".utf8)) }
            let successor = (details["SuccessorKey"] as? [String: Any]).map { "\($0["Hostname"] ?? "?"):\($0["Port"] ?? "?")" } ?? "-"
            return Result(gap: WriteLoad.longestGap(acks).seconds, lost: lost, status: status, successor: successor)
        }
    }

    static func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while (try? await condition()) != true {
            guard ContinuousClock.now < deadline else { throw ValidationError("timed out: \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

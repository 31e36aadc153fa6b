import ArgumentParser
import Foundation
import Host
import PGClient
import PGTestKit

/// The failover benchmark (bench/failover.sh): a primary and two standbys, the release-built
/// `orchestrator` daemon watching them, a client trying to commit on every standby every
/// 2 ms; then the primary's postmaster is SIGKILLed (or its host cut off). Measures, per run:
/// detection (fault → recovery registered), promotion (fault → candidate writable) and the
/// failover window (fault → first commit acknowledged by the new primary). With
/// `--fault switchover`, a planned switchover instead (see `SwitchoverRun`).
@main
struct FailoverBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "failoverbench")

    enum Fault: String, ExpressibleByArgument {
        case kill
        case cut
        case switchover
    }

    @Option(help: "kill: SIGKILL of the primary's postmaster; cut: the primary's host loses its network; switchover: graceful-master-takeover under a write load.")
    var fault: Fault = .kill

    @Option(help: "Runs.")
    var runs = 10

    @Option(help: "wal_receiver_timeout on the standbys (the cut scenario's detection bound).")
    var walReceiverTimeout = "2s"

    @Option(help: "The orchestrator binary.")
    var orchestrator: String

    @Option(help: "The demote script the switchover runs as DemoteProcesses.")
    var demoteScript = "plugins/demote/pg_ctl-demote.sh"

    mutating func run() async throws {
        if fault == .switchover {
            let script = URL(fileURLWithPath: demoteScript).standardizedFileURL.path
            return try await SwitchoverRun(orchestrator: orchestrator, demoteScript: script).measure(runs: runs)
        }
        print("run,detection_s,promotion_s,window_s,successor")
        var windows: [Double] = [], detections: [Double] = [], promotions: [Double] = []
        for index in 1...runs {
            let result = try await once()
            windows.append(result.window)
            detections.append(result.detection)
            promotions.append(result.promotion)
            print(String(format: "%d,%.3f,%.3f,%.3f,%@", index, result.detection, result.promotion, result.window, result.successor))
        }
        for (name, values) in [("detection", detections), ("promotion", promotions), ("window", windows)] {
            print("summary \(name): " + Stats(values).description)
        }
    }

    struct Result {
        var detection: Double
        var promotion: Double
        var window: Double
        var successor: String
    }

    func once() async throws -> Result {
        let spec = TopologySpec(standbys: 2, settings: ["wal_receiver_timeout": "'\(walReceiverTimeout)'"],
                                networkNamespaces: fault == .cut)
        let orchestrator = self.orchestrator
        let fault = self.fault
        return try await PGTopology.with(spec) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failoverbench-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let seeds = topology.servers.map { "\"\($0)\"" }.joined(separator: ",")
            try """
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/o.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": [\(seeds)],
                 "PostgreSQLConnectTimeoutSeconds": 1, "PostgreSQLProbeTimeoutSeconds": 1,
                 "RecoverMasterClusterFilters": [".*"], "RecoveryPeriodBlockSeconds": 0}
                """.write(toFile: "\(dir)/o.json", atomically: true, encoding: .utf8)
            let pid = try ChildProcess.spawn(orchestrator, ["--config", "\(dir)/o.json", "http"],
                                             environment: ProcessInfo.processInfo.environment, outputPath: "\(dir)/daemon.log")
            defer {
                ChildProcess.signal(pid, SIGKILL)
            }
            let api = "http://127.0.0.1:\(port)/api"
            try await waitUntil("the daemon sees three healthy instances") {
                let all = try await Self.json("\(api)/all-instances") as? [[String: Any]]
                return all?.count == 3 && all!.allSatisfy { $0["IsLastCheckValid"] as? Bool == true }
                    && all!.filter { $0["ReadOnly"] as? Bool == true }.allSatisfy { ($0["ReplicationLagSeconds"] as? [String: Any])?["Valid"] as? Bool == true }
            }
            try await topology.primary.query("CREATE TABLE IF NOT EXISTS bench_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())")
            try await Task.sleep(for: .seconds(2))
            let writer = Writer(targets: topology.standbys)
            let faultAt = Date()
            let faultClock = ContinuousClock.now
            switch fault {
            case .kill: await topology.primary.killPostmaster()
            case .cut: try await topology.primary.cutOff()
            case .switchover: throw ValidationError("the switchover is measured by SwitchoverRun")
            }
            // When the daemon first reported the primary unreachable (either code): how the
            // detection splits between losing it ourselves and the standbys losing it.
            let watcher = Task {
                while !Task.isCancelled {
                    let analysis = (try? await Self.json("\(api)/replication-analysis") as? [String: Any])?["Details"] as? [[String: Any]] ?? []
                    if let code = analysis.compactMap({ $0["Analysis"] as? String }).first(where: { $0.contains("Primary") }) {
                        return ((ContinuousClock.now - faultClock).seconds, code)
                    }
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return (-1.0, "")
            }
            let (successor, committedAt) = try await writer.firstCommit(timeout: .seconds(60))
            watcher.cancel()
            let (seen, firstCode) = await watcher.value
            FileHandle.standardError.write(Data(String(format: "  first analysis %@ at %.3f s\n", firstCode, seen).utf8))
            let window = (committedAt - faultClock).seconds
            var recovery: [String: Any] = [:]
            try await waitUntil("the recovery is recorded") {
                recovery = (try await Self.json("\(api)/audit-recovery") as? [[String: Any]])?.first ?? [:]
                return recovery["IsActive"] as? Bool == false
            }
            let uid = recovery["UID"] as? String ?? ""
            let steps = try await Self.json("\(api)/audit-recovery-steps/\(uid)") as? [[String: Any]] ?? []
            let started = Self.date(recovery["RecoveryStartTimestamp"])
            let promoted = Self.date(steps.first { ($0["Message"] as? String)?.hasSuffix("promoted and writable") == true }?["AuditAt"])
            await writer.close()
            if fault == .cut { try? await topology.primary.reconnect() }
            return Result(detection: started.timeIntervalSince(faultAt), promotion: promoted.timeIntervalSince(faultAt),
                          window: window, successor: successor)
        }
    }

    static func json(_ url: String) async throws -> Any {
        try JSONSerialization.jsonObject(with: try await OrchestratorProcess.request(url).body)
    }

    static func date(_ value: Any?) -> Date {
        (value as? String).flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) } ?? .distantPast
    }

    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while (try? await condition()) != true {
            guard ContinuousClock.now < deadline else { throw ValidationError("timed out: \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Tries to commit on every target every 2 ms until one accepts (a standby refuses at once).
actor Writer {
    let targets: [PGServer]
    var connections: [Int: PGConnection] = [:]

    init(targets: [PGServer]) { self.targets = targets }

    func firstCommit(timeout: Duration) async throws -> (String, ContinuousClock.Instant) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for (index, target) in targets.enumerated() {
                do {
                    let connection: PGConnection
                    if let open = connections[index] {
                        connection = open
                    } else {
                        connection = try await PGConnection.connect(target.conninfo(), timeout: .milliseconds(500))
                        connections[index] = connection
                    }
                    _ = try await connection.query("INSERT INTO bench_writes DEFAULT VALUES", timeout: .milliseconds(500))
                    return (target.description, ContinuousClock.now)
                } catch where error.code == .serverError {
                    continue
                } catch {
                    await connections[index]?.close()
                    connections[index] = nil
                }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw ValidationError("no commit on any standby within \(timeout)")
    }

    func close() async {
        for connection in connections.values { await connection.close() }
        connections = [:]
    }
}

struct Stats: CustomStringConvertible {
    let sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }
    func quantile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
    var description: String {
        String(format: "median %.3f s, p95 %.3f s, min %.3f s, max %.3f s (n=%d)",
               quantile(0.5), quantile(0.95), sorted.first ?? .nan, sorted.last ?? .nan, sorted.count)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

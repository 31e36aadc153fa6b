import Foundation
import Host
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `orchestrator` executable, run as operators run it.
@Suite("orchestrator executable")
struct DaemonProcessTests {
    @Test("--version prints the version")
    func version() async throws {
        let run = try await OrchestratorProcess.run(["--version"])
        #expect(run.termination == .exited(0))
        #expect(run.output == "orchestrator \(OrchestratorVersion.current)\n")
    }

    @Test("bad configuration: exit status 2 and one line naming the problem", arguments: [
        (#"{"InstancePollSeconds": -1}"#, "InstancePollSeconds: got -1"),
        (#"{"DefaultInstancePort": 0}"#, "DefaultInstancePort: got 0"),
        (#"{"DefaultInstancePort": 70000}"#, "DefaultInstancePort: got 70000"),
        (#"{"ProviderType": "mysql"}"#, "ProviderType"),
        (#"{"ProviderType": "oracle"}"#, "ProviderType"),
        (#"{"InstancePollSeconds": "5"}"#, "InstancePollSeconds"),
        (#"{"ListenAddress": ":0"}"#, "ListenAddress"),
        (#"{"BackendDB": "mysql"}"#, "BackendDB"),
        ("{not json", "invalid JSON at line 1"),
        ("[1, 2]", "object"),
    ])
    func badConfig(text: String, mentions: String) async throws {
        let file = try TemporaryFile(text)
        let run = try await OrchestratorProcess.run(["--config", file.path, "http"])
        #expect(run.termination == .exited(2))
        #expect(run.output.hasPrefix("orchestrator: \(file.path): "))
        #expect(run.output.contains(mentions))
        #expect(run.output.split(separator: "\n").count == 1)
    }

    @Test("unreadable or missing config file: exit status 2")
    func missingConfig() async throws {
        let run = try await OrchestratorProcess.run(["--config", "/nonexistent/orchestrator.conf.json", "http"])
        #expect(run.termination == .exited(2))
        #expect(run.output.contains("No such file or directory"))
    }

    @Test("unusable SQLite3DataFile: exit status 2 naming the key and the OS reason")
    func unusableBackend() async throws {
        let file = try TemporaryFile(#"{"ListenAddress": "127.0.0.1:\#(try freePort())", "SQLite3DataFile": "/proc/orchestrator/x.sqlite3"}"#)
        let run = try await OrchestratorProcess.run(["--config", file.path, "http"])
        #expect(run.termination == .exited(2))
        #expect(run.output.contains("orchestrator: SQLite3DataFile /proc/orchestrator/x.sqlite3: cannot create directory"))
    }

    @Test("http serves /api/health, warns about unknown keys, and stops cleanly", arguments: [SIGTERM, SIGINT])
    func serveAndStop(signal: Int32) async throws {
        let port = try freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try TemporaryFile("""
            {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3",
             "PostgreSQLTopologyPassword": "s3cret-in-config", "InstancePollSecond": 2}
            """)
        let daemon = try OrchestratorProcess.start(["--config", file.path, "http"])
        defer { kill(daemon.pid, SIGKILL) }
        let body = try await daemon.get("http://127.0.0.1:\(port)/api/health")
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["Code"] as? String == "OK")
        let details = try #require(json["Details"] as? [String: Any])
        #expect(details["Healthy"] as? Bool == true)
        #expect(details["IsActiveNode"] as? Bool == true)
        kill(daemon.pid, signal)
        let termination = await ChildProcess.wait(daemon.pid)
        #expect(termination == .exited(0))
        let log = daemon.output()
        #expect(log.contains(#"unknown key "InstancePollSecond" ignored; did you mean "InstancePollSeconds"?"#))
        #expect(!log.contains("s3cret-in-config"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/orchestrator.sqlite3"))
    }
}

/// Runs the `orchestrator` binary built next to this test bundle.
struct OrchestratorProcess {
    let pid: pid_t
    let outputPath: String

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orchestrator").path
    }

    static func start(_ arguments: [String]) throws -> OrchestratorProcess {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString).log").path
        let pid = try ChildProcess.spawn(binary, arguments, environment: ProcessInfo.processInfo.environment, outputPath: outputPath)
        return OrchestratorProcess(pid: pid, outputPath: outputPath)
    }

    static func run(_ arguments: [String]) async throws -> (termination: ChildProcess.Termination, output: String) {
        let process = try start(arguments)
        let termination = await ChildProcess.wait(process.pid)
        return (termination, process.output())
    }

    func output() -> String {
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// GET with retries while the daemon starts (up to 20 s).
    func get(_ url: String) async throws -> Data {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
                if (response as? HTTPURLResponse)?.statusCode == 200 { return data }
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            throw URLError(.cannotConnectToHost)
        }
    }
}

struct TemporaryFile: ~Copyable {
    let path: String
    init(_ text: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A loopback port free right now (the kernel picks it).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard ok else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

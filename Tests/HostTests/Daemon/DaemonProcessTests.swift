import Foundation
import Host
import PGTestKit
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
        defer { ChildProcess.signal(daemon.pid, SIGKILL) }
        let body = try await daemon.get("http://127.0.0.1:\(port)/api/health")
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["Code"] as? String == "OK")
        let details = try #require(json["Details"] as? [String: Any])
        #expect(details["Healthy"] as? Bool == true)
        #expect(details["IsActiveNode"] as? Bool == true)
        ChildProcess.signal(daemon.pid, signal)
        let termination = await ChildProcess.wait(daemon.pid)
        #expect(termination == .exited(0))
        let log = daemon.output()
        #expect(log.contains(#"unknown key "InstancePollSecond" ignored; did you mean "InstancePollSeconds"?"#))
        #expect(!log.contains("s3cret-in-config"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/orchestrator.sqlite3"))
    }
}


import Foundation
import Host
import PGTestKit
import Testing

/// Protected mode end to end: the daemon listens on the lab bridge's address (a network this
/// test creates), and a client in a node's network namespace is a remote client.
@Suite("API protected mode from another host")
struct APIProtectedModeTests {
    private func curl(in namespace: String, _ arguments: [String]) async throws -> String {
        let output = RecoveryFixture.scratchPath("curl.out")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn("/usr/sbin/ip", ["netns", "exec", namespace, "/usr/bin/curl", "-s", "-m", "10"] + arguments,
                                         environment: ProcessInfo.processInfo.environment, outputPath: output)
        _ = await ChildProcess.wait(pid)
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    private func runDaemon(on address: String, extra: String, _ body: (_ api: String) async throws -> Void) async throws {
        let port = try freePort()
        let database = RecoveryFixture.scratchPath("orchestrator.sqlite3")
        let config = RecoveryFixture.scratchPath("orchestrator.json")
        defer {
            for suffix in ["", "-wal", "-shm"] { unlink(database + suffix) }
            unlink(config)
        }
        try """
            {"ListenAddress": "\(address):\(port)", "SQLite3DataFile": "\(database)" \(extra)}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try OrchestratorProcess.start(["--config", config, "http"])
        defer { ChildProcess.signal(daemon.pid, SIGKILL) }
        try await eventually(timeout: .seconds(20)) { daemon.output().contains("serving API at") }
        try await body("http://\(address):\(port)/api")
        ChildProcess.signal(daemon.pid, SIGTERM)
        #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
    }

    @Test("without authentication a remote client reads but cannot write; AllowRemoteUnauthenticatedWrites lets it")
    func remoteWriteRefusedInProtectedMode() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0, networkNamespaces: true)) { topology in
            let node = try #require(topology.primary.network)
            try await runDaemon(on: node.gateway, extra: "") { api async throws in
                let refused = try await curl(in: node.namespace, ["-X", "POST", "\(api)/disable-global-recoveries"])
                #expect(refused.contains("PROTECTED_MODE") || refused.contains("local clients only"), "\(refused)")
                let asGet = try await curl(in: node.namespace, ["\(api)/disable-global-recoveries"])
                #expect(asGet.contains("local clients only"), "\(asGet)")
                #expect(try await curl(in: node.namespace, ["\(api)/check-global-recoveries"]).contains("\"Details\":\"enabled\""))
                #expect(try await curl(in: node.namespace, ["\(api)/clusters"]) == "[]")
            }
            try await runDaemon(on: node.gateway, extra: #", "AllowRemoteUnauthenticatedWrites": true"#) { api async throws in
                #expect(try await curl(in: node.namespace, ["-X", "POST", "\(api)/disable-global-recoveries"]).contains("\"Code\":\"OK\""))
                #expect(try await curl(in: node.namespace, ["\(api)/check-global-recoveries"]).contains("\"Details\":\"disabled\""))
            }
        }
    }
}

import Foundation
import Host
import PGTestKit
import Testing

/// A daemon (the `orchestrator` binary) on a free loopback port with `settings` added to a
/// minimal config, no PostgreSQL; stopped by SIGTERM, and its log checked for the test
/// password. `body` gets the API's base URL, the port and the daemon.
func withAPIDaemon(_ settings: String, _ body: (_ base: String, _ port: Int, _ daemon: OrchestratorProcess) async throws -> Void) async throws {
    let port = try freePort()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let config = try TemporaryFile("""
        {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3", \(settings)}
        """)
    let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
    defer { ChildProcess.signal(daemon.pid, SIGKILL) }
    try await waitForListener(port)
    try await body("http://127.0.0.1:\(port)/api", port, daemon)
    ChildProcess.signal(daemon.pid, SIGTERM)
    #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
    #expect(!daemon.output().contains("time_for_dinner"), "a password reached the log")
}

/// Waits until the loopback port accepts connections (TLS or not).
func waitForListener(_ port: Int) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if let fd = loopbackConnection(port, blocking: true) {
            close(fd)
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the daemon did not listen on \(port)")
}

/// A JSON object answer (empty when the body is something else).
func jsonObject(_ data: Data) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
}

func basicAuthorization(_ user: String, _ password: String) -> [String: String] {
    ["Authorization": "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

/// Runs a tool (curl, openssl) and returns how it ended and what it printed.
func runTool(_ path: String, _ arguments: [String]) async throws -> (ChildProcess.Termination, String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let pid = try ChildProcess.spawn(path, arguments, environment: ProcessInfo.processInfo.environment, outputPath: output)
    return (await ChildProcess.wait(pid), (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
}

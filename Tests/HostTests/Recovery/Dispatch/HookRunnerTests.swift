import Foundation
import HookAPI
@testable import Host
import Testing

@Suite("Shell hooks: placeholders, environment, order, timeouts")
struct HookRunnerTests {
    static let event = RecoveryEvent(
        recoveryUID: "uid-1", failureType: "DeadPrimary", failureDescription: "gone", failed: InstanceAddress(host: "db1", port: 5432),
        clusterName: "db1:5432", clusterAlias: "main", failedLSN: LSN(0x1_0000_0010),
        replicas: [InstanceAddress(host: "db2", port: 5432), InstanceAddress(host: "db3", port: 5433)],
        orchestratorHost: "orc1", successor: InstanceAddress(host: "db2", port: 5432))

    func runner(timeout: Int = 5, environment: [String: String] = ["PATH": "/usr/bin:/bin"]) -> HookRunner {
        var hooks = Configuration.Hooks()
        hooks.timeoutSeconds = timeout
        return HookRunner(hooks, environment: environment)
    }

    final class Steps: @unchecked Sendable {
        // Proof: only appended from the runner, which awaits each step before the next.
        var lines: [String] = []
    }

    @Test("placeholders and ORC_* variables; absent values are empty, never literal")
    func variables() async throws {
        var event = Self.event
        event.successor = nil
        let steps = Steps()
        let outcome = await runner().run("Test", ["echo \"{failedHost}:{failedPort} $ORC_FAILURE_TYPE [{successorHost}] [$ORC_SUCCESSOR_HOST] {replicaHosts} {slaveHosts} $ORC_FAILED_LSN {unknown} ${HOME:-x}\""],
                                         event: event, stopOnFailure: true) { steps.lines.append($0) }
        #expect(outcome.succeeded)
        let output = try #require(steps.lines.last)
        #expect(output.contains("db1:5432 DeadPrimary [] [] db2:5432,db3:5433 db2:5432,db3:5433 1/10 {unknown} x"), "\(output)")
    }

    @Test("in order; the first failure stops the list when asked, and is named")
    func order() async {
        let steps = Steps()
        let outcome = await runner().run("Pre", ["true", "exit 3", "echo never"], event: Self.event, stopOnFailure: true) { steps.lines.append($0) }
        #expect(outcome.failure?.contains("Pre[1]") == true)
        #expect(outcome.failure?.contains("exit 3") == true || outcome.failure?.contains("3") == true)
        #expect(!steps.lines.contains { $0.contains("echo never") })
        let all = await runner().run("Post", ["exit 1", "echo ran"], event: Self.event, stopOnFailure: false) { steps.lines.append($0) }
        #expect(all.failure != nil)
        #expect(steps.lines.contains { $0.contains("Post[1]: completed") && $0.contains("ran") })
    }

    @Test("a hook past its timeout is killed with its whole process group")
    func timeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("hook-child-\(UUID())").path
        defer { unlink(pidFile) }
        let steps = Steps()
        // A background child that outlives the shell unless the group is killed; the shell
        // waits until it has written its pid, then outlasts the timeout.
        let outcome = await runner(timeout: 1).run("Slow", [
            "(exec sh -c 'echo $$ > \(pidFile).tmp && mv \(pidFile).tmp \(pidFile); exec sleep 30') & "
                + "while [ ! -s \(pidFile) ]; do sleep 0.05; done; sleep 30",
        ], event: Self.event, stopOnFailure: true) { steps.lines.append($0) }
        #expect(outcome.failure?.contains("timed out") == true)
        let child = try #require(Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""),
                                 "the child never started")
        // Killed with the group, then reaped (the daemon is the orphans' subreaper).
        var gone = false
        for _ in 0..<200 where !gone {
            gone = kill(child, 0) != 0 && errno == ESRCH
            if !gone { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(gone, "the hook's background child \(child) outlived the timeout")
    }

    @Test("passwords in the daemon's environment never reach a hook")
    func noPasswords() async throws {
        let steps = Steps()
        _ = await runner(environment: ["PATH": "/usr/bin:/bin", "PGPASSWORD": "s3cret", "ORC_TOPOLOGY_PASSWORD": "s3cret",
                                       "MY_SECRET_TOKEN": "s3cret", "KEEP": "kept"])
            .run("Env", ["env"], event: Self.event, stopOnFailure: true) { steps.lines.append($0) }
        let output = steps.lines.joined(separator: "\n")
        #expect(output.contains("KEEP=kept"))
        #expect(!output.contains("s3cret"))
        #expect(output.contains("ORC_RECOVERY_UID=uid-1"))
    }
}

import Foundation
import HookAPI
@testable import Host
import Testing

/// Issue 11, outcome 5 (review F4, F15, F20): values pasted into hook commands are quoted and
/// bounded, `&` is read from the template, output stays bounded, nothing outlives a hook.
@Suite("Shell hooks: injection, self-veto, bounded output, leftovers")
struct HookInjectionTests {
    func runner(timeout: Int = 10) -> HookRunner {
        var hooks = Configuration.Hooks()
        hooks.timeoutSeconds = timeout
        return HookRunner(hooks, environment: ["PATH": "/usr/bin:/bin"])
    }

    func event(description: String = "gone", alias: String = "main") -> RecoveryEvent {
        RecoveryEvent(recoveryUID: "uid-1", failureType: "DeadPrimaryAndSomeStandbys", failureDescription: description,
                      failed: InstanceAddress(host: "db1", port: 5432), clusterName: "db1:5432", clusterAlias: alias,
                      replicas: [InstanceAddress(host: "db2", port: 5432)], orchestratorHost: "orc1")
    }

    final class Steps: @unchecked Sendable {
        // Proof: only appended from the runner, which awaits each step before the next.
        var lines: [String] = []
    }

    func scratchFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    @Test("a description with ';' is one argument and does not veto the failover")
    func semicolonDescriptionRunsTheHook() async throws {
        let description = "primary unreachable; 1 of 3 standbys unreachable too; no reachable standby streams from it"
        for template in ["printf '[%s]' {failureDescription}", "printf '[%s]' \"{failureDescription}\"", "printf '[%s]' '{failureDescription}'"] {
            let steps = Steps()
            let outcome = await runner().run("Pre", [template], event: event(description: description), stopOnFailure: true) { steps.lines.append($0) }
            #expect(outcome.succeeded, "\(template): \(outcome.failure ?? "")")
            #expect(steps.lines.last?.contains("[\(description)]") == true, "\(template): \(steps.lines)")
        }
    }

    @Test("an alias crafted to inject runs nothing, quoted or not in the template")
    func aliasInjectionRunsNothing() async throws {
        let marker = scratchFile("injected")
        defer { unlink(marker) }
        let aliases = ["x$(touch \(marker))", "x`touch \(marker)`", "x'; touch \(marker); echo '", "x\"; touch \(marker); echo \"",
                       "x\\'; touch \(marker); #", "x & touch \(marker)"]
        for alias in aliases {
            for template in ["printf '<%s>' {failureClusterAlias}", "printf '<%s>' '{failureClusterAlias}'",
                             "printf '<%s>' \"{failureClusterAlias}\"", "printf '<%s>' \"pre-{failureClusterAlias}-post\""] {
                let steps = Steps()
                let outcome = await runner().run("Post", [template], event: event(alias: alias), stopOnFailure: true) { steps.lines.append($0) }
                #expect(outcome.succeeded, "\(template) with \(alias): \(outcome.failure ?? "")")
                #expect(steps.lines.last?.contains(alias) == true, "\(template) with \(alias): \(steps.lines)")
                #expect(!FileManager.default.fileExists(atPath: marker), "\(template) with \(alias) ran a command")
            }
        }
    }

    @Test("a 200 KB alias still runs the hook: command and environment values are bounded")
    func hugeAliasStillRunsTheHook() async throws {
        let alias = String(repeating: "a", count: 200_000)
        let steps = Steps()
        let outcome = await runner().run("Pre", ["printf '%s' {failureClusterAlias} | wc -c; printf '%s' \"$ORC_FAILURE_CLUSTER_ALIAS\" | wc -c"],
                                         event: event(alias: alias), stopOnFailure: true) { steps.lines.append($0) }
        #expect(outcome.succeeded, "\(outcome.failure ?? "")")
        let output = try #require(steps.lines.last)
        // Both cut to their limit exactly: the kept bytes plus a 3-byte "…".
        #expect(output.contains("\(RecoveryEvent.commandValueLimit)\n"), "\(output.suffix(200))")
        #expect(output.contains("\(RecoveryEvent.environmentValueLimit)"), "\(output.suffix(200))")
        #expect(output.utf8.count < 1000, "the command is not echoed whole in the steps")
    }

    @Test("a value ending in '&' does not detach a hook; '&' in the template does")
    func ampersandIsReadFromTheTemplate() async {
        let failing = await runner().run("Pre", ["exit 4 # {failureDescription}"], event: event(description: "oops &"),
                                         stopOnFailure: true) { _ in }
        #expect(failing.failure?.contains("exit status 4") == true, "\(failing.failure ?? "nil")")
        let detached = await runner().run("Pre", ["exit 4 &"], event: event(), stopOnFailure: true) { _ in }
        #expect(detached.succeeded)
    }

    @Test("only the last 64 KiB of output is kept, read through a pipe (no file in the temporary directory)")
    func outputIsBoundedToItsLastBytes() async throws {
        let temporary = FileManager.default.temporaryDirectory.path
        func procFiles() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix("orchestrator-proc-") }.count
        }
        let before = procFiles()
        let result = try await TimedProcess.run(["/bin/sh", "-c", "head -c 20000000 /dev/zero | tr '\\0' x; echo END"],
                                                environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(30))
        #expect(result.termination == .exited(0))
        #expect(result.stdout.hasSuffix("xxxxEND\n"))
        #expect(result.stdout.hasPrefix("[earlier output discarded]\n"))
        #expect(result.stdout.utf8.count <= TimedProcess.outputLimit + 64)
        #expect(procFiles() == before)
    }

    @Test("background children of a hook that exited are killed; setsid ones are left alone")
    func leftoverChildrenAreKilled() async throws {
        let killed = scratchFile("leftover")
        let detached = scratchFile("setsid")
        defer {
            unlink(killed)
            unlink(detached)
        }
        let started = ContinuousClock.now
        let outcome = await runner().run("Post", [
            "(sleep 8; touch \(killed)) & exit 0",
            "setsid -f sh -c 'sleep 8; touch \(detached)' > /dev/null 2>&1 < /dev/null; exit 0",
        ], event: event(), stopOnFailure: true) { _ in }
        #expect(outcome.succeeded)
        // Had the hooks waited for their children, the detached one would have touched its file.
        #expect(!FileManager.default.fileExists(atPath: detached), "the hooks waited for their children")
        // The detached child touches its file after its 8 s; by then the killed one would have too.
        while !FileManager.default.fileExists(atPath: detached), ContinuousClock.now < started + .seconds(30) {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(1))
        #expect(!FileManager.default.fileExists(atPath: killed), "the background child was killed with the hook's group")
        #expect(FileManager.default.fileExists(atPath: detached), "a child started with setsid -f outlives the hook")
    }

    @Test("one environment filter: names with PASS, SECRET, TOKEN, KEY, CREDENTIAL, PWD, libpq files, values containing a secret")
    func environmentFilter() {
        let environment = [
            "PATH": "/usr/bin", "HOME": "/root", "LANG": "C", "ORC_CUSTOM": "kept",
            "PGPASSWORD": "x", "DBPASS": "x", "AWS_SECRET_ACCESS_KEY": "x", "VAULT_TOKEN": "x", "github_token": "x",
            "MYSQL_PWD": "x", "SSH_KEY": "x", "GOOGLE_CREDENTIALS": "x", "PGPASSFILE": "/root/.pgpass", "PGSERVICEFILE": "/etc/pg",
            "DATABASE_URL": "postgres://u:topology-pw@db/x", "EXACT": "topology-pw", "SHORTISH": "abc", "SHORT_EQUAL": "ab",
        ]
        let filtered = PluginEnvironment.base(environment, secrets: ["topology-pw", "ab", ""])
        #expect(Set(filtered.keys) == ["PATH", "HOME", "LANG", "ORC_CUSTOM", "SHORTISH"])
    }

    @Test("shell hooks use the same filter: a variable containing the topology password never reaches a hook")
    func hooksUseTheSameFilter() async {
        var hooks = Configuration.Hooks()
        hooks.timeoutSeconds = 5
        let runner = HookRunner(hooks, secrets: ["s3cret-pw"], environment: [
            "PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:s3cret-pw@db/x", "DBPASS": "other", "VAULT_TOKEN": "t0k", "KEEP": "kept",
        ])
        let steps = Steps()
        _ = await runner.run("Env", ["env"], event: event(), stopOnFailure: true) { steps.lines.append($0) }
        let output = steps.lines.joined(separator: "\n")
        #expect(output.contains("KEEP=kept"))
        #expect(output.contains("ORC_FAILURE_CLUSTER_ALIAS=main"))
        #expect(!output.contains("s3cret-pw") && !output.contains("DBPASS") && !output.contains("t0k"))
    }

    @Test("substitution quotes for where the placeholder stands in the template")
    func quotingFollowsTheTemplate() {
        let event = event(alias: "it's")
        #expect(event.substitutePlaceholders(in: "a {failureClusterAlias} b") == "a 'it'\\''s' b")
        #expect(event.substitutePlaceholders(in: "a '{failureClusterAlias}' b") == "a 'it'\\''s' b")
        #expect(event.substitutePlaceholders(in: "a \"x{failureClusterAlias}y\" b") == "a \"x\"'it'\\''s'\"y\" b")
        // An escaped quote opens nothing; ${VAR} and unknown braces stay.
        #expect(event.substitutePlaceholders(in: "it\\'s {failedHost} ${HOME} {nope}") == "it\\'s 'db1' ${HOME} {nope}")
    }

    @Test("an alias read from the server is refused when over 255 bytes or not printable")
    func aliasIsValidatedWhereItIsRead() {
        #expect(InstanceProbe.acceptedClusterAlias("payments-eu") == "payments-eu")
        #expect(InstanceProbe.acceptedClusterAlias(String(repeating: "a", count: 255)) != nil)
        #expect(InstanceProbe.acceptedClusterAlias(String(repeating: "a", count: 256)) == nil)
        #expect(InstanceProbe.acceptedClusterAlias("a\nb") == nil)
        #expect(InstanceProbe.acceptedClusterAlias("a\u{202E}b") == nil)
        #expect(InstanceProbe.acceptedClusterAlias("") == nil)
    }
}

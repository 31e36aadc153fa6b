import Foundation
import HookAPI
import Host
import Testing

@Suite struct PluginDropInTests {
    @Test func executableGetsEnvironmentAndJSONAndMayVeto() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        try scratch.write("hooks/pre_failover/10-check", """
            #!/bin/sh
            env > "$PLUGIN_TEST_DIR/env.txt"
            cat > "$PLUGIN_TEST_DIR/stdin.json"
            echo '{"veto": "change freeze until Monday"}'
            """, executable: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PLUGIN_TEST_DIR"] = scratch.path
        environment["LEAKY"] = "topology-secret"
        environment["PGPASSWORD"] = "other-secret"
        var configuration = Configuration()
        configuration.postgresql.topologyPassword = "topology-secret"
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]),
                                    services: testServices(configuration: configuration, environment: environment))
        let outcome = await host.run(.preFailover, event: recoveryEvent(successor: InstanceAddress(host: "10.0.0.2", port: 5432)))
        #expect(outcome.veto == "\(scratch.path)/hooks/pre_failover/10-check: change freeze until Monday")
        let env = scratch.read("env.txt")
        for line in ["ORC_FAILED_HOST=10.0.0.1", "ORC_FAILURE_CLUSTER_ALIAS=payments", "ORC_SUCCESSOR_HOST=10.0.0.2",
                     "ORC_FAILED_LSN=0/3000060", "ORC_HOOK_POINT=pre_failover", "ORC_RECOVERY_UID=rec-1"] {
            #expect(env.contains(line + "\n"), "missing \(line)")
        }
        #expect(!env.contains("secret"), "no password in the environment")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(scratch.read("stdin.json").utf8)) as? [String: Any])
        #expect(event["point"] as? String == "pre_failover")
        #expect(event["failedLSN"] as? String == "0/3000060")
        #expect((event["failed"] as? [String: Any])?["host"] as? String == "10.0.0.1")
        #expect(event["isSuccessful"] as? Bool == true)
    }

    @Test func nonZeroExitAtPreFailoverAbortsButOnlyRecordsAtPostFailover() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let failing = "#!/bin/sh\necho 'replica check failed' >&2\nexit 3\n"
        try scratch.write("hooks/pre_failover/10-fail", failing, executable: true)
        try scratch.write("hooks/post_failover/10-fail", failing, executable: true)
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        let pre = await host.run(.preFailover, event: recoveryEvent())
        #expect(pre.veto?.contains("exit status 3: replica check failed") == true)
        let post = await host.run(.postFailover, event: recoveryEvent())
        #expect(post.veto == nil)
        #expect(post.failed)
        #expect(post.steps.first?.contains("exit status 3") == true)
    }

    @Test func executablePastItsTimeoutIsKilledWithItsProcessGroup() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        try scratch.write("hooks/post_failover/10-slow", """
            #!/bin/sh
            sleep 300 &
            echo $! > "$PLUGIN_TEST_DIR/child.pid"
            echo $$ > "$PLUGIN_TEST_DIR/self.pid"
            sleep 300
            """, executable: true)
        var environment = ProcessInfo.processInfo.environment
        environment["PLUGIN_TEST_DIR"] = scratch.path
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"], timeoutSeconds: 1),
                                    services: testServices(environment: environment))
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(outcome.failed)
        #expect(outcome.steps.first?.contains("timed out after 1.0 seconds (process group killed)") == true, "\(outcome.steps)")
        let pids = ["child.pid", "self.pid"].compactMap { Int32(scratch.read($0).trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(pids.count == 2)
        #expect(await eventually { pids.allSatisfy { kill($0, 0) != 0 } }, "the script and its child are gone")
    }

    @Test func crashingExecutableIsRecorded() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        try scratch.write("hooks/post_failover/10-crash", "#!/bin/sh\nkill -9 $$\n", executable: true)
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(outcome.failed)
        #expect(outcome.steps.first?.contains("killed by signal 9") == true, "\(outcome.steps)")
    }

    @Test func malformedAnswerIsAFailureAndNonExecutableFilesAreSkipped() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        try scratch.write("hooks/discovery/10-bad-json", "#!/bin/sh\necho '{alias: nope'\n", executable: true)
        try scratch.write("hooks/discovery/20-not-executable", "#!/bin/sh\necho '{\"ignore\": true}'\n")
        try scratch.write("hooks/discovery/README.md", "notes")
        try scratch.write("hooks/not_a_point/10-x", "#!/bin/sh\n", executable: true)
        let linked = try scratch.write("elsewhere/tagger", "#!/bin/sh\necho '{\"tags\": {\"linked\": \"yes\"}}'\n", executable: true)
        try FileManager.default.createSymbolicLink(atPath: "\(scratch.path)/hooks/discovery/30-linked", withDestinationPath: linked)
        try FileManager.default.createSymbolicLink(atPath: "\(scratch.path)/hooks/discovery/40-dangling", withDestinationPath: "/nonexistent")
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        let status = host.status()
        #expect(status.plugins.map(\.name) == ["\(scratch.path)/hooks/discovery/10-bad-json", "\(scratch.path)/hooks/discovery/30-linked"])
        #expect(status.warnings.filter { $0.contains("neither a .lua file nor executable") }.count == 2)
        #expect(status.warnings.contains { $0.contains("40-dangling: not a regular file") })
        #expect(status.warnings.contains { $0.contains("not_a_point does not name a point") })
        let event = DiscoveryEvent(instance: InstanceAddress(host: "db1", port: 5432), role: "primary", version: "16.4",
                                   versionNumber: 160004, clusterName: "db1:5432", clusterNameSetting: "", systemIdentifier: "1")
        #expect(await host.annotate(discovery: event) == .annotate(InstanceAnnotation(tags: ["linked": "yes"])), "a failure is skipped, later plugins still count")
        let error = try #require(host.status().plugins.first?.lastResult?.error)
        #expect(error.contains("bad answer on stdout") && error.contains("not valid JSON"), "\(error)")
    }

    @Test func discoveryExecutableSeesItsSubsetOfVariables() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        try scratch.write("hooks/discovery/10-tag", """
            #!/bin/sh
            printf '{"alias": "%s-%s", "tags": {"role": "%s"}}' "$ORC_INSTANCE_HOST" "$ORC_INSTANCE_PORT" "$ORC_INSTANCE_ROLE"
            """, executable: true)
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        let event = DiscoveryEvent(instance: InstanceAddress(host: "db1", port: 5433), role: "standby", version: "16.4",
                                   versionNumber: 160004, clusterName: "db0:5432", clusterNameSetting: "", systemIdentifier: "1")
        #expect(await host.annotate(discovery: event) == .annotate(InstanceAnnotation(alias: "db1-5433", tags: ["role": "standby"])))
    }
}

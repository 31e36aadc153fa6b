import Foundation
import HookAPI
import Host
import Testing

@Suite struct PluginHostTests {
    @Test func orderIsBuiltinsThenLuaScriptsThenDirectoriesByDirectoryThenName() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let handler = #"orc.on("post_failover", function(ev) return nil end)"#
        let second = try scratch.write("scripts/b.lua", handler)
        let first = try scratch.write("scripts/a.lua", handler)
        try scratch.write("d2/post_failover/20-x", "#!/bin/sh\nexit 0\n", executable: true)
        try scratch.write("d2/post_failover/10-y.lua", handler)
        try scratch.write("d1/post_failover/05-z", "#!/bin/sh\nexit 0\n", executable: true)
        let builtins: [any Plugin] = [ClosurePlugin("builtin:one", [.postFailover]), ClosurePlugin("builtin:two", [.postFailover])]
        let host = await loadedHost(builtins: builtins, pluginSettings(lua: [second, first], directories: ["\(scratch.path)/d2", "\(scratch.path)/d1"]))
        let expected = ["builtin:one", "builtin:two", second, first, "\(scratch.path)/d2/post_failover/10-y.lua",
                        "\(scratch.path)/d2/post_failover/20-x", "\(scratch.path)/d1/post_failover/05-z"]
        #expect(host.status().plugins.map(\.name) == expected)
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(outcome.steps.count == expected.count)
        for (step, name) in zip(outcome.steps, expected) {
            #expect(step.hasPrefix("plugin \(name) at post_failover: continue"), "\(step)")
        }
        #expect(outcome.handled && !outcome.failed && outcome.veto == nil)
    }

    @Test func throwingSwiftPluginIsContainedAndTheNextOneRuns() async throws {
        let after = ClosurePlugin("after", [.postFailover])
        let host = await loadedHost(builtins: [
            ClosurePlugin("thrower", [.postFailover]) { _ in throw PluginTestFailure(description: "disk on fire") }, after,
        ], pluginSettings())
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(outcome.failed)
        #expect(outcome.veto == nil)
        #expect(outcome.steps.first?.contains("failed: disk on fire") == true)
        #expect(after.seen.elements.count == 1)
        #expect(host.status().plugins.first?.lastResult?.error == "disk on fire")
    }

    @Test func slowSwiftPluginTimesOut() async throws {
        let host = await loadedHost(builtins: [
            ClosurePlugin("sleeper", [.postFailover]) { _ in
                try await Task.sleep(for: .seconds(300))
                return .proceed
            },
        ], pluginSettings(timeoutSeconds: 1))
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(outcome.failed)
        #expect(outcome.steps.first?.contains("no answer within") == true)
    }

    @Test func luaEndlessLoopHitsItsLimitAndTheHostCarriesOn() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let loop = try scratch.write("loop.lua", #"orc.on("pre_failover", function(ev) while true do end end)"#)
        let host = await loadedHost(builtins: [ClosurePlugin("after", [.preFailover])], pluginSettings(lua: [loop], timeoutSeconds: 1))
        let outcome = await host.run(.preFailover, event: recoveryEvent())
        #expect(outcome.failed)
        #expect(outcome.veto == nil, "a non-critical failure does not abort")
        let step = try #require(outcome.steps.last)
        #expect(step.contains("instruction budget exhausted") || step.contains("deadline exceeded"), "\(step)")
        // The same script still answers the next event (and fails the same way, not worse).
        let again = await host.run(.preFailover, event: recoveryEvent())
        #expect(again.steps.count == 2)
    }

    @Test func criticalLuaFailureAtPreFailoverVetoes() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let script = try scratch.write("check.lua", #"orc.on("pre_failover", function(ev) error("cannot reach the CMDB") end, {critical = true})"#)
        let second = try scratch.write("second.lua", #"orc.on("pre_failover", function(ev) return {veto = "second"} end)"#)
        let host = await loadedHost(pluginSettings(lua: [script, second]))
        let outcome = await host.run(.preFailover, event: recoveryEvent())
        #expect(outcome.veto?.contains("cannot reach the CMDB") == true)
        #expect(outcome.veto?.contains("critical") == true)
        #expect(outcome.steps.count == 1, "the chain stops at the abort")
        #expect(host.status().plugins.first?.criticalPoints == ["pre_failover"])
    }

    @Test func vetoAbortsAtPrePointsStopsTheChainAndIsIgnoredAtPostPoints() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let script = try scratch.write("veto.lua", """
            orc.on("pre_failover", function(ev) return {veto = "maintenance window"} end)
            orc.on("post_failover", function(ev) return {veto = "too late"} end)
            orc.on("demote", function(ev) return {veto = "host unreachable"} end)
            """)
        let later = ClosurePlugin("later", [.preFailover, .postFailover])
        let host = await loadedHost(pluginSettings(lua: [script]))
        let pre = await host.run(.preFailover, event: recoveryEvent())
        #expect(pre.veto == "\(script): maintenance window")
        #expect(!pre.failed)
        let withLater = await loadedHost(builtins: [later], pluginSettings(lua: [script]))
        _ = await withLater.run(.preFailover, event: recoveryEvent())
        #expect(later.seen.elements.count == 1, "built-ins run first")
        let post = await host.run(.postFailover, event: recoveryEvent())
        #expect(post.veto == nil)
        #expect(post.steps.contains { $0.contains("ignored") })
        let demote = await host.run(.demote, event: recoveryEvent())
        #expect(demote.failed)
        #expect(demote.veto?.contains("host unreachable") == true)
    }

    @Test func luaAnswersThatDoNotFitThePointAreFailures() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let script = try scratch.write("wrong.lua", """
            orc.on("post_failover", function(ev) return {suppress = true} end)
            orc.on("analysis", function(ev) return {vetoo = "typo"} end)
            """)
        let host = await loadedHost(pluginSettings(lua: [script]))
        let post = await host.run(.postFailover, event: recoveryEvent())
        #expect(post.failed)
        #expect(post.steps.first?.contains("not valid at post_failover") == true)
        let analysis = await host.review(analysis: AnalysisEvent(code: "DeadPrimary", description: "", instance: InstanceAddress(host: "a", port: 1), clusterName: "a:1"))
        #expect(analysis == .proceed, "a failing analysis plugin keeps the entry")
        #expect(host.status().plugins.first?.lastResult?.error?.contains("unknown answer field 'vetoo'") == true)
    }

    @Test func discoveryAnnotationsMergeInOrderAndIgnoreWins() async throws {
        let host = await loadedHost(builtins: [
            ClosurePlugin("a", [.discovery]) { _ in .annotate(InstanceAnnotation(alias: "db1", tags: ["rack": "r1", "dc": "x"])) },
            ClosurePlugin("b", [.discovery]) { event in
                guard case .discovery(let discovery) = event else { return .proceed }
                if discovery.instance.port == 6000 { return .ignore(reason: "test instance") }
                return .annotate(InstanceAnnotation(promotionRule: .preferNot, tags: ["dc": "y"]))
            },
        ], pluginSettings())
        let event = DiscoveryEvent(instance: InstanceAddress(host: "db1", port: 5432), role: "standby", version: "16.4",
                                   versionNumber: 160004, clusterName: "db0:5432", clusterNameSetting: "", systemIdentifier: "1")
        #expect(await host.annotate(discovery: event) == .annotate(InstanceAnnotation(alias: "db1", promotionRule: .preferNot, tags: ["rack": "r1", "dc": "y"])))
        var ignored = event
        ignored.instance.port = 6000
        #expect(await host.annotate(discovery: ignored) == .ignore(reason: "b: test instance"))
    }

    @Test func clusterNameFirstAliasWins() async throws {
        let host = await loadedHost(builtins: [
            ClosurePlugin("none", [.clusterName]),
            ClosurePlugin("first", [.clusterName]) { _ in .alias("payments") },
            ClosurePlugin("second", [.clusterName]) { _ in .alias("other") },
        ], pluginSettings())
        let event = ClusterNameEvent(clusterName: "db1:5432", primary: InstanceAddress(host: "db1", port: 5432),
                                     clusterNameSetting: "", systemIdentifier: "1", members: [])
        #expect(await host.clusterName(for: event) == "payments")
    }

    @Test func analysisSuppressEndsTheChainAndRaiseIsSeenByLaterPlugins() async throws {
        let seenCodes = Recorder<String>()
        let host = await loadedHost(builtins: [
            ClosurePlugin("escalate", [.analysis]) { event in
                guard case .analysis(let analysis) = event, analysis.code == "StandbyLagging" else { return .proceed }
                return .raise(code: "PageTheDBA", reason: "lag in payments")
            },
            ClosurePlugin("observer", [.analysis]) { event in
                if case .analysis(let analysis) = event { seenCodes.append(analysis.code) }
                return .proceed
            },
            ClosurePlugin("quiet", [.analysis]) { event in
                guard case .analysis(let analysis) = event, analysis.clusterName == "lab:5432" else { return .proceed }
                return .suppress(reason: "lab cluster")
            },
        ], pluginSettings())
        let lagging = AnalysisEvent(code: "StandbyLagging", description: "lag 300s", instance: InstanceAddress(host: "db2", port: 5432), clusterName: "db1:5432")
        #expect(await host.review(analysis: lagging) == .raise(code: "PageTheDBA", reason: "escalate: lag in payments"))
        #expect(seenCodes.elements == ["PageTheDBA"])
        var lab = lagging
        lab.code = "DeadPrimary"
        lab.clusterName = "lab:5432"
        #expect(await host.review(analysis: lab) == .suppress(reason: "quiet: lab cluster"))
    }

    @Test func reloadPicksUpNewScriptsAndRereadsSettings() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let settings = Recorder<Configuration.Plugins>()
        settings.append(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        let host = PluginHost(builtins: [], settings: pluginSettings(), services: testServices(), logger: quietLogger,
                              rereadSettings: { settings.elements.last! })
        await host.reload()
        #expect(host.status().plugins.isEmpty)
        #expect(host.status().warnings.contains { $0.contains("is not a directory") })
        try scratch.write("hooks/pre_failover/10-new.lua", #"function handle(event) return {veto = "new rule"} end"#)
        let script = try scratch.write("extra.lua", #"orc.on("analysis", function(ev) return {suppress = true} end)"#)
        settings.append(pluginSettings(lua: [script], directories: ["\(scratch.path)/hooks"]))
        let status = await host.reload()
        #expect(status.generation == 2)
        #expect(status.plugins.map(\.name) == [script, "\(scratch.path)/hooks/pre_failover/10-new.lua"])
        #expect(await host.run(.preFailover, event: recoveryEvent()).veto?.hasSuffix("new rule") == true)
    }

    @Test func statusEncodesAsDocumented() async throws {
        let host = await loadedHost(builtins: [ClosurePlugin("builtin:x", [.postFailover, .preFailover], critical: true)], pluginSettings())
        _ = await host.run(.postFailover, event: recoveryEvent())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(host.status())) as? [String: Any])
        #expect(json["Generation"] as? Int == 1)
        #expect(json["TimeoutSeconds"] as? Int == 5)
        #expect(json["Warnings"] as? [String] == [])
        let plugin = try #require((json["Plugins"] as? [[String: Any]])?.first)
        #expect(plugin["Name"] as? String == "builtin:x")
        #expect(plugin["Kind"] as? String == "builtin")
        #expect(plugin["Points"] as? [String] == ["pre_failover", "post_failover"])
        #expect(plugin["CriticalPoints"] as? [String] == ["pre_failover"])
        let last = try #require(plugin["LastResult"] as? [String: Any])
        #expect(last["Point"] as? String == "post_failover")
        #expect(last["Answer"] as? String == "continue")
        #expect(last["At"] is String && last["Milliseconds"] is Int)
    }

    @Test func badScriptsAreSkippedWithAWarning() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let broken = try scratch.write("broken.lua", "orc.on(")
        let unknown = try scratch.write("unknown.lua", #"orc.on("post_failovr", function() end)"#)
        let good = try scratch.write("good.lua", #"orc.on("postFailover", function() end)"#)
        let host = await loadedHost(pluginSettings(lua: [broken, unknown, "/nonexistent/x.lua", good]))
        #expect(host.status().plugins.map(\.name) == [good])
        let warnings = host.status().warnings
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("broken.lua") && $0.contains("syntax error") })
        #expect(warnings.contains { $0.contains("unknown point post_failovr") })
    }
}

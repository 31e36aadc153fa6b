import Foundation
import HookAPI
@testable import Host
import Testing

/// Issue 11, outcome 6 (review F9): C calls the count hook cannot interrupt are bounded before
/// they start, absurd `orc.run` timeouts are clamped, and a plugin stuck past its deadline is
/// written off instead of holding the daemon.
@Suite struct LuaPathologicalCallTests {
    /// Runs `source` in a fresh sandbox under the default limits; returns the error text, or
    /// nil when it completed. (Each caller's message check tells a call refused before it
    /// started from one stopped at the deadline.)
    private func failure(of source: String) async throws -> String? {
        let runtime = try LuaRuntime()
        do {
            try await runtime.execute(source)
            return nil
        } catch {
            return "\(error.code): \(error.message)"
        }
    }

    @Test func repOfAnEmptyStringAnswersAtOnce() async throws {
        #expect(try await failure(of: #"assert(string.rep("", 1<<40) == "" and ("").rep("", 1<<40, "") == "")"#) == nil)
        #expect(try await failure(of: #"assert(string.rep("ab", 3, ",") == "ab,ab,ab" and ("x"):rep(0) == "")"#) == nil)
    }

    @Test func aLargeRepHitsTheMemoryLimit() async throws {
        let message = try await failure(of: #"local s = string.rep("a", 1<<28)"#)
        #expect(message?.lowercased().contains("memory") == true, "\(message ?? "nil")")
    }

    @Test func quadraticLazyFindIsRefused() async throws {
        let message = try await failure(of: #"local s = string.rep("a", 3e5); return s:find(".-b")"#)
        #expect(message?.contains("string.find: this pattern could backtrack too long") == true, "\(message ?? "nil")")
    }

    @Test func exponentialOptionalItemsAreRefused() async throws {
        let message = try await failure(of: #"local s = ("a"):rep(30); return s:find(("a?"):rep(30) .. ("a"):rep(30))"#)
        #expect(message?.contains("backtrack") == true, "\(message ?? "nil")")
        #expect(try await failure(of: #"return string.match(("a"):rep(100), ("a?"):rep(40) .. "b")"#)?.contains("string.match") == true)
        #expect(try await failure(of: #"return string.gsub(("a"):rep(2e5), "a-a-b", "")"#)?.contains("string.gsub") == true)
        #expect(try await failure(of: #"for w in string.gmatch(("a"):rep(2e5), ".-.-b") do end"#)?.contains("string.gmatch") == true)
    }

    @Test func everydayPatternsStillWork() async throws {
        #expect(try await failure(of: """
            local line = "  " .. ("k"):rep(200) .. " = value  "
            assert(line:match("^%s*(.-)%s*$") == ("k"):rep(200) .. " = value")
            local text = {}
            for i = 1, 5000 do text[#text + 1] = "host" .. i .. ":5432" end
            local joined = table.concat(text, "\\n")
            assert(#joined > 60000)
            local count = 0
            for host, port in joined:gmatch("([^\\n:]+):(%d+)") do count = count + 1 end
            assert(count == 5000)
            assert(select(2, joined:gsub("\\n", ",")) == 4999)
            assert(joined:find("host5000:5432", 1, true))
            assert(("db1:5432"):match("^(.-):(%d+)$") == "db1")
            assert(("a.b.c"):find(".", 1, true) == 2)
            """) == nil)
    }

    @Test func orcRunClampsAbsurdTimeoutsAndWantsAnAbsolutePath() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let script = try scratch.write("run.lua", """
            orc.on("analysis", function(ev)
              local huge = orc.run({"/bin/true"}, {timeout = math.huge})
              local nanRan = pcall(orc.run, {"/bin/true"}, {timeout = 0/0})
              local negativeRan = pcall(orc.run, {"/bin/true"}, {timeout = -1e300})
              local ok, relative = pcall(orc.run, {"true"})
              return {raise = "Ran", reason = string.format("%s|%s|%s|%s", tostring(huge.code), tostring(nanRan),
                tostring(negativeRan), tostring(relative))}
            end)
            """)
        let host = await loadedHost(pluginSettings(lua: [script]))
        let answer = await host.review(analysis: AnalysisEvent(code: "X", description: "", instance: InstanceAddress(host: "db", port: 5432),
                                                               clusterName: "db:5432", replicas: []))
        guard case .raise(_, let reason) = answer else {
            Issue.record("no answer: \(answer) \(host.status().plugins.first?.lastResult?.error ?? "")")
            return
        }
        // NaN and negative timeouts are a plugin's error (caught by pcall), never a trap.
        #expect(reason.contains("0|false|false|"), "\(reason)")
        #expect(reason.contains("the first an absolute path"), "\(reason)")
    }

    /// A top level the count hook cannot stop in time (one long C call, allowed by the caps)
    /// is written off at its deadline; the host loads the other plugins and answers.
    /// (The time limit guards against a hang, not for speed.)
    @Test(.timeLimit(.minutes(1))) func aScriptWhoseTopLevelOverrunsIsWrittenOffAndTheRestLoads() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let stuck = try scratch.write("stuck.lua", #"local s = ("a"):rep(60000); s:find(".-b")"# + "\norc.on('analysis', function() end)\n")
        let fine = try scratch.write("fine.lua", "orc.on('analysis', function() return {raise = 'Fine', reason = 'ok'} end)\n")
        let host = await loadedHost(pluginSettings(lua: [stuck, fine], timeoutSeconds: 1))
        #expect(host.status().plugins.map(\.name) == [fine])
        #expect(host.status().disabled.first { $0.source == stuck }?.reason.contains("written off") == true, "\(host.status().disabled)")
        let answer = await host.review(analysis: AnalysisEvent(code: "X", description: "", instance: InstanceAddress(host: "db", port: 5432),
                                                               clusterName: "db:5432", replicas: []))
        #expect(answer == .raise(code: "Fine", reason: "\(fine): ok"))
    }

    /// The same at call time: the call fails at the host's deadline, the plugin is disabled
    /// until the next reload, and the next event does not wait for it.
    @Test func aHandlerThatOverrunsIsWrittenOffAndLaterEventsDoNotWait() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let stuck = try scratch.write("stuck.lua", """
            orc.on("pre_failover", function(ev) local s = ("a"):rep(60000); s:find(".-b") end, {critical = true})
            """)
        let host = await loadedHost(pluginSettings(lua: [stuck], timeoutSeconds: 1))
        #expect(host.status().plugins.count == 1)
        let first = await host.run(.preFailover, event: recoveryEvent())
        #expect(first.veto?.contains("no answer within") == true, "\(first)")
        #expect(host.status().plugins.isEmpty)
        #expect(host.status().disabled.first?.reason.contains("written off: a call at pre_failover") == true)
        // Nothing left to ask: the next event does not wait for the written-off plugin.
        let second = await host.run(.preFailover, event: recoveryEvent())
        #expect(second.veto == nil && !second.handled)
    }
}

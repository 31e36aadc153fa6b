import Foundation
import HookAPI
import Host
import PGClient
import Testing

@Suite struct PluginLuaAPITests {
    /// Loads `source` as the only plugin, handling `analysis`, and returns the reason of the
    /// `raise` it answers (the handler reports what it saw that way).
    private func raisedReason(_ source: String, services: PluginServices = testServices(), timeoutSeconds: Int = 5,
                              event: AnalysisEvent? = nil) async throws -> String? {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let script = try scratch.write("api.lua", source)
        let host = await loadedHost(pluginSettings(lua: [script], timeoutSeconds: timeoutSeconds), services: services)
        #expect(host.status().warnings.isEmpty, "\(host.status().warnings)")
        let answer = await host.review(analysis: event ?? AnalysisEvent(
            code: "StandbyLagging", description: "lag", instance: InstanceAddress(host: "db2", port: 5433), clusterName: "db1:5432",
            replicas: [InstanceAddress(host: "db3", port: 5434)]))
        if case .raise(_, let reason) = answer { return String(reason.drop { $0 != ":" }.dropFirst(2)) }
        Issue.record("no raise: \(answer); \(host.status().plugins.first?.lastResult?.error ?? "")")
        return nil
    }

    @Test func eventArrivesAsATable() async throws {
        let reason = try await raisedReason("""
            orc.on("analysis", function(ev)
              return {raise = "Seen", reason = table.concat({ev.point, ev.code, ev.instance.host, tostring(ev.instance.port),
                ev.clusterName, ev.replicas[1].host, tostring(ev.isActionable)}, ",")}
            end)
            """)
        #expect(reason == "analysis,StandbyLagging,db2,5433,db1:5432,db3,false")
    }

    @Test func runReturnsExitCodeAndOutputsAndEnforcesItsTimeout() async throws {
        let reason = try await raisedReason("""
            orc.on("analysis", function(ev)
              local ok = orc.run({"/bin/sh", "-c", "echo out; echo err >&2; exit 4"})
              local fed = orc.run({"/bin/cat"}, {stdin = "fed"})
              local slow = orc.run({"/bin/sleep", "30"}, {timeout = 0.2})
              return {raise = "Ran", reason = string.format("%d|%s|%s|%s|%s|%s", ok.code, ok.stdout, ok.stderr, fed.stdout,
                tostring(slow.timed_out), tostring(slow.signal))}
            end)
            """)
        #expect(reason == "4|out\n|err\n|fed|true|9")
    }

    @Test func configIsReadableButSecretsAreNot() async throws {
        var configuration = Configuration()
        configuration.discovery.instancePollSeconds = 7
        configuration.postgresql.topologyPassword = "hunter2"
        let reason = try await raisedReason("""
            orc.on("analysis", function(ev)
              return {raise = "Config", reason = tostring(orc.config("InstancePollSeconds")) .. "|" ..
                tostring(orc.config("PostgreSQLTopologyPassword")) .. "|" .. tostring(orc.config("NoSuchKey"))}
            end)
            """, services: testServices(configuration: configuration))
        #expect(reason == "7|nil|nil")
    }

    @Test func sqlPassesParametersAndReturnsRows() async throws {
        let seen = Recorder<String>()
        let services = testServices(sql: { key, sql, parameters, _ in
            seen.append("\(key) \(sql) \(parameters.map { $0 ?? "NULL" })")
            return PGResult(columns: ["a", "b"], rows: [["x", nil]], commandTag: "SELECT 1")
        })
        let reason = try await raisedReason("""
            orc.on("analysis", function(ev)
              local r = orc.sql("db2", 5433, "SELECT $1, $2, $3", 42, nil, "t")
              return {raise = "S", reason = r.rows[1].a .. "," .. tostring(r.rows[1].b) .. "," .. #r.rows}
            end)
            """, services: services)
        #expect(reason == "x,nil,1")
        #expect(seen.elements == ["db2:5433 SELECT $1, $2, $3 [\"42\", \"NULL\", \"t\"]"])
    }

    @Test func sandboxStaysClosed() async throws {
        let reason = try await raisedReason("""
            orc.on("analysis", function(ev)
              return {raise = "Sandbox", reason = table.concat({type(io), type(require), type(debug), type(os.exit), type(dofile)}, ",")}
            end)
            """)
        #expect(reason == "nil,nil,nil,nil,nil")
    }

    @Test func answerDecoding() async throws {
        let cases: [(String, PluginAnswer)] = [
            ("nil", .proceed),
            ("true", .proceed),
            ("{}", .proceed),
            ("{suppress = true}", .suppress(reason: "suppressed by plugin")),
            ("{suppress = \"noise\"}", .suppress(reason: "noise")),
            ("{raise = \"X\", reason = \"why\"}", .raise(code: "X", reason: "why")),
        ]
        for (lua, expected) in cases {
            let scratch = try PluginScratch()
            defer { scratch.remove() }
            let script = try scratch.write("a.lua", "orc.on(\"analysis\", function(ev) return \(lua) end)")
            let host = await loadedHost(pluginSettings(lua: [script]))
            let answer = await host.review(analysis: AnalysisEvent(code: "C", description: "", instance: InstanceAddress(host: "h", port: 1), clusterName: "h:1"))
            switch expected {
            case .suppress(let reason): #expect(answer == .suppress(reason: "\(script): \(reason)"), "\(lua)")
            case .raise(let code, let reason): #expect(answer == .raise(code: code, reason: "\(script): \(reason)"), "\(lua)")
            default: #expect(answer == expected, "\(lua)")
            }
        }
    }
}

import Testing
import Host

@Suite struct LuaCallTests {
    @Test func callWithTableArgumentReturnsTable() async throws {
        let lua = try LuaRuntime()
        try await lua.execute(
            """
            function summarize(cluster)
              local names = {}
              for i, node in ipairs(cluster.nodes) do names[i] = node.name .. "@" .. node.lag end
              return { leader = cluster.nodes[1].name, count = #cluster.nodes, names = names, healthy = cluster.healthy }
            end
            """)
        let cluster: LuaValue = [
            "healthy": true,
            "nodes": [["name": "pg1", "lag": 0], ["name": "pg2", "lag": 42]],
        ]
        let results = try await lua.call("summarize", [cluster])
        #expect(results.count == 1)
        #expect(results[0] == ["leader": "pg1", "count": 2, "names": ["pg1@0", "pg2@42"], "healthy": true])
    }

    @Test func executeFileReturnsChunkResults() async throws {
        let script = try LuaTempScript("local a, b = 20, 22\nreturn a + b, 'ok'\n")
        defer { script.remove() }
        let lua = try LuaRuntime()
        #expect(try await lua.execute(file: script.path) == [.integer(42), .string("ok")])
    }

    @Test func callsFunctionsInNamespacesAndReturnsSeveralValues() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("hooks = { promote = function(a, b) return b, a, nil end }")
        #expect(try await lua.call("hooks.promote", [1, "x"]) == ["x", 1, .nil])
    }

    @Test func callingSomethingElseIsNotAFunction() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("answer = 42")
        let error = await luaError { _ = try await lua.call("answer") }
        #expect(error?.code == .notAFunction)
        let missing = await luaError { _ = try await lua.call("no.such.thing") }
        #expect(missing?.code == .notAFunction)
    }

    @Test func globalsAreSetAndReadThroughDottedPaths() async throws {
        let lua = try LuaRuntime()
        try await lua.setGlobal("config.cluster.name", "main")
        #expect(try await lua.execute("return config.cluster.name") == ["main"])
        try await lua.execute("config.cluster.size = 3")
        #expect(try await lua.global("config.cluster") == ["name": "main", "size": 3])
        #expect(try await lua.global("config.nothing.here") == .nil)
    }

    @Test func metatablesOnGlobalsDoNotRunInHostCode() async throws {
        let lua = try LuaRuntime()
        try await lua.execute(
            """
            function f() return 1 end
            setmetatable(_G, { __index = function() error("index") end, __newindex = function() error("newindex") end })
            """)
        #expect(try await lua.call("f") == [1])
        try await lua.setGlobal("fresh", 5)
        #expect(try await lua.global("absent") == .nil)
    }

    @Test func closedRuntimeRefusesCalls() async throws {
        let lua = try LuaRuntime()
        await lua.close()
        do {
            try await lua.execute("return 1")
            Issue.record("expected an error")
        } catch {
            let typed: LuaError = error  // the API throws LuaError, not any Error
            #expect(typed.code == .closed)
        }
    }
}

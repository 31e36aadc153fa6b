import Testing
import Host

@Suite struct LuaErrorTests {
    @Test func syntaxErrorInFileHasFileAndLine() async throws {
        let script = try LuaTempScript("local a = 1\nlocal b = 2\nlocal c = = 3\n")
        defer { script.remove() }
        let lua = try LuaRuntime()
        let error = await luaError { try await lua.execute(file: script.path) }
        #expect(error?.code == .syntax)
        #expect(error?.file == script.path)
        #expect(error?.line == 3)
        #expect(error?.message.contains("unexpected symbol") == true)
    }

    @Test func runtimeErrorHasFileLineAndTraceback() async throws {
        let script = try LuaTempScript(
            """
            local M = {}
            function handle(event)
              return event.node.name
            end
            """, name: "x.lua")
        defer { script.remove() }
        let lua = try LuaRuntime()
        try await lua.execute(file: script.path)
        let error = await luaError { _ = try await lua.call("handle", [[:]]) }
        #expect(error?.code == .runtime)
        #expect(error?.file == script.path)
        #expect(error?.line == 3)
        #expect(error?.message == "attempt to index a nil value (field 'node')")
        #expect(error?.traceback?.contains("x.lua:3") == true)
        #expect(error?.description == "\(script.path):3: attempt to index a nil value (field 'node') (runtime error)")
    }

    @Test func longPathsAreReportedInFull() async throws {
        let script = try LuaTempScript("error('boom')\n", name: String(repeating: "long-", count: 20) + "plugin.lua")
        defer { script.remove() }
        let lua = try LuaRuntime()
        let error = await luaError { try await lua.execute(file: script.path) }
        #expect(error?.file == script.path)
        #expect(error?.line == 1)
        #expect(error?.message == "boom")
    }

    @Test func errorLevelPointsAtTheCaller() async throws {
        let lua = try LuaRuntime()
        let error = await luaError {
            try await lua.execute("local function check(x)\n  error('bad x', 2)\nend\n\ncheck(1)\n", name: "lvl")
        }
        #expect(error?.file == "lvl")
        #expect(error?.line == 5)
        #expect(error?.message == "bad x")
    }

    @Test func nonStringErrorObjects() async throws {
        let lua = try LuaRuntime()
        let table = await luaError { try await lua.execute("error({ code = 1 })", name: "t") }
        #expect(table?.message == "(error object is a table value)")
        #expect(table?.line == 1)
        let described = await luaError {
            try await lua.execute("error(setmetatable({}, { __tostring = function() return 'custom' end }))")
        }
        #expect(described?.message == "custom")
    }

    @Test func descriptionWithoutLocation() {
        #expect(LuaError(.conversion, message: "cycle").description == "cycle (conversion error)")
        #expect(LuaError(.runtime, message: "m", file: "f.lua").description == "f.lua: m (runtime error)")
    }
}

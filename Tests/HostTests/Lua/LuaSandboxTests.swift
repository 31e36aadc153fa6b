import Testing
import Host

@Suite struct LuaSandboxTests {
    @Test(arguments: [
        "os.exit", "os.execute", "os.getenv", "os.remove", "os.rename", "os.tmpname", "os.setlocale",
        "io", "debug", "package", "require", "dofile", "loadfile", "string.dump",
    ])
    func dangerousGlobalsAreAbsent(name: String) async throws {
        let lua = try LuaRuntime()
        #expect(try await lua.execute("return \(name) == nil") == [true])
    }

    @Test func allowedLibrariesArePresent() async throws {
        let lua = try LuaRuntime()
        let source = """
            return type(os.time()), type(os.clock()), type(os.date('%Y')), os.difftime(10, 4),
              string.upper('a'), table.concat({ 'a', 'b' }), math.max(1, 2), utf8.char(72),
              coroutine.wrap(function() coroutine.yield(7) end)(), ('x'):rep(3)
            """
        #expect(try await lua.execute(source) == ["number", "number", "string", 6.0, "A", "ab", 2, "H", 7, "xxx"])
    }

    @Test func loadAcceptsTextOnly() async throws {
        let lua = try LuaRuntime()
        #expect(try await lua.execute("return load('return 1 + 1')()") == [2])
        #expect(try await lua.execute("return load('return x', 'chunk', 't', { x = 5 })()") == [5])
        let binary = try await lua.execute(#"return load("\27LuaT\0\25\147\13\10\26\10", 'bin', 'b')"#)
        #expect(binary.first == .nil)
        #expect(binary.count == 2 && binary[1].stringValue?.contains("binary chunk") == true)
    }

    @Test func finalizersAreRefused() async throws {
        let lua = try LuaRuntime()
        let error = await luaError { try await lua.execute("setmetatable({}, { __gc = function() while true do end end })") }
        #expect(error?.code == .runtime)
        #expect(error?.message.contains("__gc") == true)
        #expect(try await lua.execute("return getmetatable(setmetatable({}, { x = 1 })).x") == [1])
    }

    @Test func scriptsCannotEscapeThroughStrings() async throws {
        let lua = try LuaRuntime()
        #expect(try await lua.execute("return getmetatable('').__index == string, string.dump") == [true, .nil])
    }

    @Test(arguments: [
        "local function f() return 1 + f() end return f()",
        "local function f() return coroutine.wrap(f)() end return f()",
        "return load(string.rep('(', 1000) .. '1' .. string.rep(')', 1000))()",
        "return string.rep('x', 1e9, ',')",
        "return table.concat(setmetatable({}, { __index = function(t, i) return string.rep('y', 1e6) end }), '', 1, 1e6)",
        "error(setmetatable({}, { __tostring = function() while true do end end }))",
        "return os.date('%c', 2^62)",
    ])
    func abusiveScriptsFailWithoutTakingTheProcessDown(source: String) async throws {
        let lua = try LuaRuntime(memoryLimit: 16 << 20, limits: LuaLimits(instructionBudget: 10_000_000, timeout: .seconds(5)))
        let error = await luaError { try await lua.execute(source) }
        #expect(error != nil)
        #expect(try await lua.execute("return 'still alive'") == ["still alive"])
    }
}

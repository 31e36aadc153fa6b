import Testing
import Host

@Suite struct LuaValueTests {
    static let kinds: [LuaValue] = [
        .nil,
        .bool(true),
        .bool(false),
        .integer(0),
        .integer(.max),
        .integer(.min),
        .number(3.25),
        .number(1.0),
        .number(-.infinity),
        .string(""),
        .string("héllo ✓"),
        .string("a\u{0}b"),
        .table(LuaTable()),
        [1, 2, 3],
        ["key": "value", "nested": ["deep": [true, 1.5]]],
        .table(LuaTable(array: ["a", "b"], fields: ["n": 2], sparse: [-1: "minus", 0: "zero", 10: "ten"])),
    ]

    @Test(arguments: kinds)
    func roundTripsThroughLua(value: LuaValue) async throws {
        let lua = try LuaRuntime()
        try await lua.execute("function echo(...) return ... end")
        #expect(try await lua.call("echo", [value]) == [value])
    }

    @Test func integersAndFloatsStayDistinct() async throws {
        let lua = try LuaRuntime()
        #expect(try await lua.execute("return 3, 3.0, 2^53, 7 // 2") == [.integer(3), .number(3), .number(9007199254740992), .integer(3)])
    }

    @Test func tablesAreNormalized() async throws {
        let lua = try LuaRuntime()
        let results = try await lua.execute("return { 'a', 'b', [4] = 'd', [0] = 'z', x = 1 }")
        #expect(results == [.table(LuaTable(array: ["a", "b"], fields: ["x": 1], sparse: [4: "d", 0: "z"]))])
        #expect(results[0][1] == "a")
        #expect(results[0][4] == "d")
        #expect(results[0]["x"] == 1)
    }

    @Test func nilElementsLeaveHoles() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("function echo(t) return t end")
        let results = try await lua.call("echo", [[1, .nil, 3]])
        #expect(results == [.table(LuaTable(array: [1], sparse: [3: 3]))])
    }

    @Test func functionsComeBackOpaque() async throws {
        let lua = try LuaRuntime()
        let results = try await lua.execute("return print, coroutine.create(function() end)")
        guard case .opaque(let function) = results[0], case .opaque(let thread) = results[1] else {
            Issue.record("expected opaque values, got \(results)")
            return
        }
        #expect(function.hasPrefix("function: "))
        #expect(thread.hasPrefix("thread: "))
        let error = await luaError { _ = try await lua.call("print", [results[0]]) }
        #expect(error?.code == .conversion)
    }

    @Test(arguments: [
        "local t = {}; t.self = t; return t",
        "local t = {}; for i = 1, 150 do t = { t } end; return t",
        "local t = {}; for i = 1, 40 do t = { t, t } end; return t",
        "return { [true] = 1 }",
        "return { [1.5] = 1 }",
    ])
    func unconvertibleTablesFailWithConversion(source: String) async throws {
        let lua = try LuaRuntime()
        let error = await luaError { try await lua.execute(source) }
        #expect(error?.code == .conversion)
        #expect(try await lua.execute("return 1") == [1])
    }

    @Test func swiftValuesConvert() {
        let options: [String: Int?] = ["retries": 3, "missing": nil]
        #expect(LuaValue(options) == ["retries": 3, "missing": .nil])
        #expect(LuaValue([["a", "b"], ["c"]]) == [["a", "b"], ["c"]])
        #expect(LuaValue(2.5) == .number(2.5))
        #expect(LuaValue(7) == .integer(7))
        #expect(LuaValue.number(4).integerValue == 4)
        #expect(LuaValue.number(4.5).integerValue == nil)
        #expect(LuaValue.integer(2).doubleValue == 2)
        #expect(LuaValue.bool(false).isTruthy == false)
        #expect(LuaValue.integer(0).isTruthy)
    }
}

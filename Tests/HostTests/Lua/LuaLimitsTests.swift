import Testing
import Host

@Suite struct LuaLimitsTests {
    @Test func endlessLoopStopsAtInstructionBudget() async throws {
        let lua = try LuaRuntime(limits: LuaLimits(instructionBudget: 1_000_000, timeout: nil))
        guard let error = await finishes(within: .seconds(20), {
            await luaError { try await lua.execute("local n = 0\nwhile true do n = n + 1 end", name: "spin") }
        }) else {
            Issue.record("the loop was not stopped")
            return
        }
        #expect(error?.code == .budgetExhausted)
        #expect(error?.file == "spin")
        #expect(error?.line == 2)
        #expect(try await lua.execute("return 1 + 1") == [2])
    }

    @Test func endlessLoopStopsAtDeadline() async throws {
        let lua = try LuaRuntime(limits: LuaLimits(instructionBudget: nil, timeout: .milliseconds(200)))
        let clock = ContinuousClock()
        let start = clock.now
        guard let error = await finishes(within: .seconds(20), { await luaError { try await lua.execute("while true do end") } }) else {
            Issue.record("the loop was not stopped")
            return
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(clock.now - start >= .milliseconds(200))
        #expect(try await lua.execute("return 'alive'") == ["alive"])
    }

    @Test func limitsApplyPerCall() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("function spin() while true do end end")
        let tight = LuaLimits(instructionBudget: 10_000, timeout: nil)
        let error = await luaError { _ = try await lua.call("spin", limits: tight) }
        #expect(error?.code == .budgetExhausted)
        let loop = "local s = 0 for i = 1, 100000 do s = s + i end return s"
        #expect(try await lua.execute(loop, limits: LuaLimits(instructionBudget: 10_000_000, timeout: nil)) == [5_000_050_000])
    }

    /// Without the host forcing the error through, these would spin forever.
    @Test(arguments: [
        "while true do pcall(function() while true do end end) end",
        "while true do pcall(error, 'x') end",
        "local co = coroutine.wrap(function() while true do end end) co()",
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        "local t = setmetatable({}, { __close = function() while true do end end }) do local x <close> = t while true do end end",
    ])
    func scriptsCannotSwallowTheBudget(source: String) async throws {
        let lua = try LuaRuntime(limits: LuaLimits(instructionBudget: 200_000, timeout: .seconds(10)))
        guard let error = await finishes(within: .seconds(20), { await luaError { try await lua.execute(source) } }) else {
            Issue.record("the script was not stopped")
            return
        }
        #expect(error?.code == .budgetExhausted)
        #expect(try await lua.execute("return 1") == [1])
    }

    @Test func hugeTableFailsWithOutOfMemory() async throws {
        let lua = try LuaRuntime(memoryLimit: 4 << 20)
        let error = await luaError { try await lua.execute("local t = {} for i = 1, 1e8 do t[i] = i end") }
        #expect(error?.code == .outOfMemory)
        let hugeString = await luaError { try await lua.execute("return string.rep('x', 1 << 30)") }
        #expect(hugeString?.code == .outOfMemory)
        #expect(try await lua.execute("local t = {} for i = 1, 1000 do t[i] = i end return #t") == [1000])
        #expect(await lua.memoryUsed < 4 << 20)
    }

    @Test func memoryErrorCaughtByPcallIsNotReported() async throws {
        let lua = try LuaRuntime(memoryLimit: 4 << 20)
        let results = try await lua.execute("local ok, err = pcall(string.rep, 'x', 1 << 30) return ok, err")
        #expect(results == [false, "not enough memory"])
    }
}

import Foundation
import Testing
import Host

@Suite struct LuaConcurrencyTests {
    /// With as many spinning runtimes as there are pool threads (plus one), an unrelated task
    /// still completes promptly: Lua runs on dedicated threads, not on the cooperative pool.
    @Test func longLuaCallsDoNotBlockTheCooperativePool() async throws {
        let spinners = ProcessInfo.processInfo.activeProcessorCount + 1
        let limits = LuaLimits(instructionBudget: nil, timeout: .seconds(1))
        var runtimes: [LuaRuntime] = []
        for index in 0..<spinners {
            runtimes.append(try LuaRuntime(name: "spin\(index)", limits: limits))
        }
        let events = LuaRecorder<String>()
        await withTaskGroup(of: Void.self) { group in
            for runtime in runtimes {
                group.addTask {
                    let error = await luaError { try await runtime.execute("while true do end") }
                    events.append(error?.code == .deadlineExceeded ? "lua" : "lua?")
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(50))
                events.append("sleeper")
            }
        }
        let order = events.elements
        #expect(order.first == "sleeper")
        #expect(order.filter { $0 == "lua" }.count == spinners)
    }

    @Test func callsAreSerialized() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("counter = 0 function bump() local c = counter for i = 1, 1000 do end counter = c + 1 end")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try? await lua.call("bump") }
            }
        }
        #expect(try await lua.global("counter") == 50)
    }

    @Test func droppedRuntimesReleaseTheirState() async throws {
        weak var weakRuntime: LuaRuntime?
        do {
            let lua = try LuaRuntime()
            weakRuntime = lua
            try await lua.execute("x = string.rep('x', 1000)")
        }
        for _ in 0..<100 where weakRuntime != nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(weakRuntime == nil)
    }
}

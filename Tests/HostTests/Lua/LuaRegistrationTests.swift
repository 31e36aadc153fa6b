import Foundation
import Testing
import Host

@Suite struct LuaRegistrationTests {
    @Test func registeredFunctionIsCalledFromLua() async throws {
        let lua = try LuaRuntime()
        try await lua.register("add") { args in
            .integer((args[0].integerValue ?? 0) + (args[1].integerValue ?? 0))
        }
        #expect(try await lua.execute("return add(40, 2)") == [42])
    }

    @Test func registeredFunctionInNamespaceTable() async throws {
        let lua = try LuaRuntime()
        let logged = LuaRecorder<LuaValue>()
        try await lua.register("orc.log") { args in
            logged.append(contentsOf: args)
            return .nil
        }
        try await lua.register("orc.util.upper") { args in .string(args[0].stringValue?.uppercased() ?? "") }
        let results = try await lua.execute("orc.log('promoted', { node = 'pg2' }); return type(orc), orc.util.upper('x')")
        #expect(results == ["table", "X"])
        #expect(logged.elements == ["promoted", ["node": "pg2"]])
    }

    @Test func registerIntoNonTableFails() async throws {
        let lua = try LuaRuntime()
        try await lua.execute("orc = 5")
        let error = await luaError { try await lua.register("orc.log") { _ in .nil } }
        #expect(error?.code == .conversion)
    }

    @Test func multipleResults() async throws {
        let lua = try LuaRuntime()
        try await lua.registerMultiple("split") { args in
            (args[0].stringValue ?? "").split(separator: ",").map { .string(String($0)) }
        }
        #expect(try await lua.execute("return select('#', split('a,b,c')), split('x,y')") == [3, "x", "y"])
    }

    @Test func swiftErrorIsCatchableWithPcall() async throws {
        let lua = try LuaRuntime()
        try await lua.register("orc.fail") { args in throw LuaTestError(reason: args.first?.stringValue ?? "") }
        let results = try await lua.execute("local ok, err = pcall(orc.fail, 'boom'); return ok, err")
        #expect(results == [false, "test failure: boom"])
        let located = try await lua.execute("local ok, err = pcall(function() orc.fail('x') end); return err", name: "inline")
        #expect(located == ["inline:1: test failure: x"])
    }

    @Test func uncaughtSwiftErrorIsTypedWithFileAndLine() async throws {
        let script = try LuaTempScript(
            """
            function run(reason)
              local prefix = "because "
              return orc.fail(prefix .. reason)
            end
            """)
        defer { script.remove() }
        let lua = try LuaRuntime()
        try await lua.register("orc.fail") { args in throw LuaTestError(reason: args[0].stringValue ?? "") }
        try await lua.execute(file: script.path)
        let error = await luaError { _ = try await lua.call("run", ["disk full"]) }
        #expect(error?.code == .hostFunction)
        #expect(error?.file == script.path)
        #expect(error?.line == 3)
        #expect(error?.message == "test failure: because disk full")
        #expect((error?.underlying as? LuaTestError)?.reason == "because disk full")
        #expect(error?.traceback?.contains("stack traceback") == true)
    }

    @Test func badArgumentsFromLuaAreConversionErrors() async throws {
        let lua = try LuaRuntime()
        try await lua.register("take") { _ in .nil }
        let error = await luaError { try await lua.execute("take(print)") }
        #expect(error == nil)  // a function argument arrives opaque
        let cyclic = await luaError { try await lua.execute("local t = {}; t[1] = t; take(t)") }
        #expect(cyclic?.code == .conversion)
    }

    @Test func blockingFunctionRunsAsyncBody() async throws {
        let lua = try LuaRuntime()
        try await lua.registerBlocking("orc.fetch", timeout: .seconds(5)) { args in
            try await Task.sleep(for: .milliseconds(20))
            return .string("fetched \(args[0].stringValue ?? "?")")
        }
        #expect(try await lua.execute("return orc.fetch('pg1') .. '!'") == ["fetched pg1!"])
    }

    @Test func blockingFunctionTimesOut() async throws {
        let lua = try LuaRuntime()
        try await lua.registerBlocking("orc.hang", timeout: .milliseconds(100)) { _ in
            try await Task.sleep(for: .seconds(30))
            return .nil
        }
        let caught = try await lua.execute("local ok, err = pcall(orc.hang); return ok")
        #expect(caught == [false])
        let error = await luaError { try await lua.execute("orc.hang()") }
        #expect(error?.code == .deadlineExceeded)
    }

    @Test func blockingFunctionErrorPropagates() async throws {
        let lua = try LuaRuntime()
        try await lua.registerBlocking("orc.broken") { _ in throw LuaTestError(reason: "async") }
        let error = await luaError { try await lua.execute("orc.broken()", name: "b") }
        #expect(error?.code == .hostFunction)
        #expect(error?.line == 1)
        #expect(error?.underlying is LuaTestError)
    }

    @Test func registeredFunctionsRunOnTheRuntimeThread() async throws {
        let lua = try LuaRuntime(name: "probe")
        try await lua.register("thread") { _ in .string(Thread.current.name ?? "") }
        let name = try await lua.execute("return thread()")
        #expect(name == ["lua:probe"], "ran on \(name)")
    }
}

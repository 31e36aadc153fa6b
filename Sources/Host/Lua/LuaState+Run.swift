internal import CLua
internal import CLuaShim
internal import Foundation

/// Loading and calling: every run of Lua code is one protected call under limits.
extension LuaState {
    /// Compiles and runs a chunk; returns what the chunk returns.
    /// - Parameters:
    ///   - chunkName: `@path` for files, `=name` otherwise (Lua's convention for messages).
    ///   - displayName: the file or name reported in errors.
    func execute(_ source: Data, chunkName: String, displayName: String, limits: LuaLimits) throws(LuaError) -> [LuaValue] {
        let L = try open()
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let status = source.withUnsafeBytes { bytes in
            clua_load_text(L, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count, chunkName)
        }
        guard status == LUA_OK else {
            throw LuaErrorDecoder.loadError(L, status: status, chunk: displayName)
        }
        return try run(L, argumentCount: 0, limits: limits)
    }

    /// Calls the function at the dotted global path `path`.
    func call(_ path: String, arguments: [LuaValue], limits: LuaLimits) throws(LuaError) -> [LuaValue] {
        let L = try open()
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try pushValue(atPath: path, L)
        guard lua_type(L, -1) == LUA_TFUNCTION else {
            let type = LuaStack.typeName(L, at: -1)
            throw LuaError(.notAFunction, message: "'\(path)' is not a function (a \(type) value)")
        }
        guard lua_checkstack(L, Int32(clamping: arguments.count) + 2) != 0 else {
            throw LuaError(.conversion, message: "too many arguments (\(arguments.count))")
        }
        let pusher = LuaValuePusher(L)
        for argument in arguments {
            try pusher.push(argument)
        }
        return try run(L, argumentCount: Int32(arguments.count), limits: limits)
    }

    /// Calls the function below `argumentCount` arguments on top of the stack.
    private func run(_ L: OpaquePointer, argumentCount: Int32, limits: LuaLimits) throws(LuaError) -> [LuaValue] {
        let handlerIndex = lua_gettop(L) - argumentCount
        clua_push_message_handler(L)
        clua_insert(L, handlerIndex)
        lastHostError = nil
        clua_begin_run(L, limits.budgetForC, limits.timeoutNanosecondsForC)
        let status = clua_pcall(L, argumentCount, LUA_MULTRET, handlerIndex)
        let stop = clua_end_run(L)
        guard status == LUA_OK else {
            let error = LuaErrorDecoder.runError(L, status: status, stop: stop, hostError: lastHostError)
            lastHostError = nil
            throw error
        }
        var reader = LuaValueReader(L)
        var results: [LuaValue] = []
        var index = handlerIndex + 1
        while index <= lua_gettop(L) {
            results.append(try reader.read(at: index))
            index += 1
        }
        return results
    }
}

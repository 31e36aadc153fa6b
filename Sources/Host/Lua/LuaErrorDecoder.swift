internal import CLua
internal import CLuaShim

/// Turns what a failed load or protected call left on the stack into a `LuaError`.
enum LuaErrorDecoder {
    /// `lua_load` failed; its message is on top of the stack.
    static func loadError(_ L: OpaquePointer, status: Int32, chunk: String) -> LuaError {
        let raw = LuaStack.string(L, at: -1) ?? "cannot load chunk"
        guard status != LUA_ERRMEM else {
            return LuaError(.outOfMemory, message: raw, file: chunk)
        }
        var error = LuaError(.syntax, message: raw, file: chunk)
        if let located = splitLocation(raw) {
            error.line = located.line
            error.message = located.message
        }
        return error
    }

    /// A protected call failed. With status LUA_ERRRUN the message handler left a table
    /// describing the error; memory errors and errors in the handler leave a plain string.
    static func runError(
        _ L: OpaquePointer, status: Int32, stop: Int32, hostError: (message: String, error: any Error)?
    ) -> LuaError {
        var error: LuaError
        if lua_type(L, -1) == LUA_TTABLE {
            error = fromHandlerTable(L)
        } else {
            error = LuaError(.runtime, message: LuaStack.string(L, at: -1) ?? "(error object is not a string)")
        }
        if stop == Int32(CLUA_STOP_BUDGET) {
            error.code = .budgetExhausted
        } else if stop == Int32(CLUA_STOP_DEADLINE) {
            error.code = .deadlineExceeded
        } else if status == LUA_ERRMEM {
            error.code = .outOfMemory
        } else if let hostError, error.message == hostError.message {
            error.code = (hostError.error as? LuaError)?.code ?? .hostFunction
            error.underlying = hostError.error
        }
        return error
    }

    private static func fromHandlerTable(_ L: OpaquePointer) -> LuaError {
        let message = stringField(L, "message") ?? "(no message)"
        let source = stringField(L, "source")
        let shortSource = stringField(L, "short_src")
        var error = LuaError(.runtime, message: message, traceback: stringField(L, "traceback"))
        if lua_getfield(L, -1, "line") == LUA_TNUMBER {
            error.line = Int(lua_tointegerx(L, -1, nil))
        }
        clua_pop(L, 1)
        // Chunk names starting with '@' (files) or '=' (named strings) name the chunk exactly;
        // anything else is the source text itself, which only short_src abbreviates sensibly.
        if let source, source.hasPrefix("@") || source.hasPrefix("=") {
            error.file = String(source.dropFirst())
        } else {
            error.file = shortSource
        }
        // The message's own location wins: error(msg, 2) points at the caller, not at the
        // frame that raised. Its chunk name is abbreviated, though, so keep ours if it matches.
        if let located = splitLocation(message) {
            if located.chunk != shortSource { error.file = located.chunk }
            error.line = located.line
            error.message = located.message
        }
        return error
    }

    private static func stringField(_ L: OpaquePointer, _ name: String) -> String? {
        defer { clua_pop(L, 1) }
        lua_getfield(L, -1, name)
        return LuaStack.string(L, at: -1)
    }

    /// Splits `chunk:line: message` at the first `:<digits>:`.
    static func splitLocation(_ text: String) -> (chunk: String, line: Int, message: String)? {
        let characters = Array(text.utf8)
        var colon = characters.firstIndex(of: UInt8(ascii: ":"))
        while let start = colon {
            var end = start + 1
            while end < characters.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(characters[end]) {
                end += 1
            }
            if start > 0, end > start + 1, end < characters.count, characters[end] == UInt8(ascii: ":"),
                let line = Int(String(decoding: characters[(start + 1)..<end], as: UTF8.self))
            {
                var rest = end + 1
                if rest < characters.count, characters[rest] == UInt8(ascii: " ") { rest += 1 }
                return (
                    String(decoding: characters[..<start], as: UTF8.self), line,
                    String(decoding: characters[rest...], as: UTF8.self)
                )
            }
            colon = characters[(start + 1)...].firstIndex(of: UInt8(ascii: ":"))
        }
        return nil
    }
}

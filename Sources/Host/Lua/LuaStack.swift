internal import CLua

/// Stack primitives that never convert values in place and never run metamethods, so they
/// are safe to use from host code running outside a protected call.
enum LuaStack {
    /// The string at `index`, only if it is a string (not a number, which `lua_tolstring`
    /// would convert in place).
    static func string(_ L: OpaquePointer, at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let bytes = lua_tolstring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }

    /// Pushes `string` with its exact length (embedded NULs included).
    static func push(_ L: OpaquePointer, string: String) {
        var string = string
        string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                _ = lua_pushlstring(L, chars.baseAddress, chars.count)
            }
        }
    }

    static func typeName(_ L: OpaquePointer, at index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// `"function: 0x…"`, as `tostring` would print it without consulting `__tostring`.
    static func describe(_ L: OpaquePointer, at index: Int32) -> String {
        let address = lua_topointer(L, index).map { String(describing: $0) } ?? "?"
        return "\(typeName(L, at: index)): \(address)"
    }
}

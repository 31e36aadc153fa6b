internal import CLua
internal import CLuaShim

/// Dotted global paths (`orc.log`), accessed with raw gets and sets: a script's metatable on
/// `_G` or on a namespace never runs in host code, where an error could not be caught.
extension LuaState {
    static func pathComponents(_ path: String) throws(LuaError) -> [String] {
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !names.contains(where: \.isEmpty) else {
            throw LuaError(.conversion, message: "invalid global name '\(path)'")
        }
        return names
    }

    /// Pushes the value at `path`, or nil when a name on the way is not a table.
    func pushValue(atPath path: String, _ L: OpaquePointer) throws(LuaError) {
        let names = try Self.pathComponents(path)
        guard lua_checkstack(L, 3) != 0 else {
            throw LuaError(.conversion, message: "Lua stack overflow")
        }
        clua_pushglobaltable(L)
        for name in names {
            guard lua_type(L, -1) == LUA_TTABLE else {
                clua_pop(L, 1)
                lua_pushnil(L)
                return
            }
            LuaStack.push(L, string: name)
            lua_rawget(L, -2)
            clua_remove(L, -2)
        }
    }

    /// Pops the value on top of the stack into `path`, creating missing namespace tables.
    func setValue(atPath path: String, _ L: OpaquePointer) throws(LuaError) {
        let names = try Self.pathComponents(path)
        guard lua_checkstack(L, 4) != 0 else {
            throw LuaError(.conversion, message: "Lua stack overflow")
        }
        let valueIndex = lua_gettop(L)
        clua_pushglobaltable(L)
        for (depth, name) in names.dropLast().enumerated() {
            LuaStack.push(L, string: name)
            switch lua_rawget(L, -2) {
            case LUA_TTABLE:
                break
            case LUA_TNIL:
                clua_pop(L, 1)
                clua_newtable(L)
                LuaStack.push(L, string: name)
                lua_pushvalue(L, -2)
                lua_rawset(L, -4)
            default:
                let prefix = names[...depth].joined(separator: ".")
                let type = LuaStack.typeName(L, at: -1)
                lua_settop(L, valueIndex - 1)
                throw LuaError(.conversion, message: "'\(prefix)' is a \(type) value, not a table")
            }
            clua_remove(L, -2)
        }
        LuaStack.push(L, string: names[names.count - 1])
        lua_pushvalue(L, valueIndex)
        lua_rawset(L, -3)
        lua_settop(L, valueIndex - 1)
    }

    func setGlobal(_ path: String, _ value: LuaValue) throws(LuaError) {
        let L = try open()
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try LuaValuePusher(L).push(value)
        try setValue(atPath: path, L)
    }

    func global(_ path: String) throws(LuaError) -> LuaValue {
        let L = try open()
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try pushValue(atPath: path, L)
        var reader = LuaValueReader(L)
        return try reader.read(at: -1)
    }
}

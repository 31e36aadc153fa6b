internal import CLua

/// Pushes `LuaValue`s. Swift values are trees, so only depth needs a limit.
struct LuaValuePusher {
    private let L: OpaquePointer

    init(_ L: OpaquePointer) {
        self.L = L
    }

    func push(_ value: LuaValue) throws(LuaError) {
        try push(value, depth: 0)
    }

    private func push(_ value: LuaValue, depth: Int) throws(LuaError) {
        guard lua_checkstack(L, 3) != 0 else {
            throw LuaError(.conversion, message: "Lua stack overflow while pushing a value")
        }
        switch value {
        case .nil: lua_pushnil(L)
        case .bool(let flag): lua_pushboolean(L, flag ? 1 : 0)
        case .integer(let integer): lua_pushinteger(L, integer)
        case .number(let number): lua_pushnumber(L, number)
        case .string(let string): LuaStack.push(L, string: string)
        case .table(let table): try push(table, depth: depth)
        case .opaque(let description):
            throw LuaError(.conversion, message: "\(description) cannot be passed back to Lua")
        }
    }

    private func push(_ table: LuaTable, depth: Int) throws(LuaError) {
        guard depth < LuaValueReader.maxDepth else {
            throw LuaError(.conversion, message: "tables nested deeper than \(LuaValueReader.maxDepth) levels")
        }
        lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.fields.count + table.sparse.count))
        for (key, element) in table.sparse {
            try push(element, depth: depth + 1)
            lua_rawseti(L, -2, key)
        }
        for (offset, element) in table.array.enumerated() {
            if case .nil = element { continue }
            try push(element, depth: depth + 1)
            lua_rawseti(L, -2, Int64(offset) + 1)
        }
        for (key, element) in table.fields {
            LuaStack.push(L, string: key)
            try push(element, depth: depth + 1)
            lua_rawset(L, -3)
        }
    }
}

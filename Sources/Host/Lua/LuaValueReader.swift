internal import CLua
internal import CLuaShim

/// Converts stack values to `LuaValue`. Tables are walked with raw `lua_next` (no `__pairs`,
/// no `__index`); cycles, nesting deeper than `maxDepth` and more than `maxValues` values in
/// total (a small table can reference one subtable many times) are refused with `.conversion`.
///
/// On error the stack may hold leftovers: callers restore the top.
struct LuaValueReader {
    static let maxDepth = 100
    static let maxValues = 1_000_000

    private let L: OpaquePointer
    private var remaining = maxValues
    /// Tables on the path from the root to the value being converted.
    private var enclosing: Set<UnsafeRawPointer> = []

    init(_ L: OpaquePointer) {
        self.L = L
    }

    mutating func read(at index: Int32) throws(LuaError) -> LuaValue {
        try value(at: lua_absindex(L, index), depth: 0)
    }

    private mutating func value(at index: Int32, depth: Int) throws(LuaError) -> LuaValue {
        remaining -= 1
        guard remaining >= 0 else {
            throw LuaError(.conversion, message: "value has more than \(Self.maxValues) elements")
        }
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            return .string(LuaStack.string(L, at: index) ?? "")
        case LUA_TTABLE:
            return .table(try table(at: index, depth: depth))
        default:
            return .opaque(LuaStack.describe(L, at: index))
        }
    }

    private mutating func table(at index: Int32, depth: Int) throws(LuaError) -> LuaTable {
        guard depth < Self.maxDepth else {
            throw LuaError(.conversion, message: "tables nested deeper than \(Self.maxDepth) levels")
        }
        guard let identity = lua_topointer(L, index) else { return LuaTable() }
        guard enclosing.insert(identity).inserted else {
            throw LuaError(.conversion, message: "table contains itself (cycle)")
        }
        defer { enclosing.remove(identity) }
        guard lua_checkstack(L, 3) != 0 else {
            throw LuaError(.conversion, message: "Lua stack overflow while converting a table")
        }
        var integers: [Int64: LuaValue] = [:]
        var fields: [String: LuaValue] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let element = try value(at: lua_gettop(L), depth: depth + 1)
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                fields[LuaStack.string(L, at: -2) ?? ""] = element
            case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                integers[lua_tointegerx(L, -2, nil)] = element
            default:
                let type = LuaStack.typeName(L, at: -2)
                throw LuaError(.conversion, message: "table key of type \(type) cannot be converted")
            }
            clua_pop(L, 1)
        }
        return LuaTable(integerKeys: integers, fields: fields)
    }
}

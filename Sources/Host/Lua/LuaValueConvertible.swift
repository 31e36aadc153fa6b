/// A Swift value with a natural Lua representation; `LuaValue(_:)` converts it.
public protocol LuaValueConvertible {
    var luaValue: LuaValue { get }
}

extension LuaValue: LuaValueConvertible {
    public var luaValue: LuaValue { self }

    /// Converts a Swift value: arrays become sequences, `[String: _]` dictionaries become
    /// tables with string keys, `nil` optionals become `.nil`.
    public init(_ value: some LuaValueConvertible) {
        self = value.luaValue
    }
}

extension Bool: LuaValueConvertible {
    public var luaValue: LuaValue { .bool(self) }
}

extension Int: LuaValueConvertible {
    public var luaValue: LuaValue { .integer(Int64(self)) }
}

extension Int64: LuaValueConvertible {
    public var luaValue: LuaValue { .integer(self) }
}

extension Int32: LuaValueConvertible {
    public var luaValue: LuaValue { .integer(Int64(self)) }
}

extension Double: LuaValueConvertible {
    public var luaValue: LuaValue { .number(self) }
}

extension String: LuaValueConvertible {
    public var luaValue: LuaValue { .string(self) }
}

extension Substring: LuaValueConvertible {
    public var luaValue: LuaValue { .string(String(self)) }
}

extension LuaTable: LuaValueConvertible {
    public var luaValue: LuaValue { .table(self) }
}

extension Optional: LuaValueConvertible where Wrapped: LuaValueConvertible {
    public var luaValue: LuaValue { self?.luaValue ?? .nil }
}

extension Array: LuaValueConvertible where Element: LuaValueConvertible {
    public var luaValue: LuaValue { .table(LuaTable(array: map(\.luaValue))) }
}

extension Dictionary: LuaValueConvertible where Key == String, Value: LuaValueConvertible {
    public var luaValue: LuaValue { .table(LuaTable(fields: mapValues(\.luaValue))) }
}

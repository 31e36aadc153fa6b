/// A Swift value with a natural Lua representation; `LuaValue(_:)` converts it.
package protocol LuaValueConvertible {
    var luaValue: LuaValue { get }
}

extension LuaValue: LuaValueConvertible {
    package var luaValue: LuaValue { self }

    /// Converts a Swift value: arrays become sequences, `[String: _]` dictionaries become
    /// tables with string keys, `nil` optionals become `.nil`.
    package init(_ value: some LuaValueConvertible) {
        self = value.luaValue
    }
}

extension Bool: LuaValueConvertible {
    package var luaValue: LuaValue { .bool(self) }
}

extension Int: LuaValueConvertible {
    package var luaValue: LuaValue { .integer(Int64(self)) }
}

extension Int64: LuaValueConvertible {
    package var luaValue: LuaValue { .integer(self) }
}

extension Int32: LuaValueConvertible {
    package var luaValue: LuaValue { .integer(Int64(self)) }
}

extension Double: LuaValueConvertible {
    package var luaValue: LuaValue { .number(self) }
}

extension String: LuaValueConvertible {
    package var luaValue: LuaValue { .string(self) }
}

extension Substring: LuaValueConvertible {
    package var luaValue: LuaValue { .string(String(self)) }
}

extension LuaTable: LuaValueConvertible {
    package var luaValue: LuaValue { .table(self) }
}

extension Optional: LuaValueConvertible where Wrapped: LuaValueConvertible {
    package var luaValue: LuaValue { self?.luaValue ?? .nil }
}

extension Array: LuaValueConvertible where Element: LuaValueConvertible {
    package var luaValue: LuaValue { .table(LuaTable(array: map(\.luaValue))) }
}

extension Dictionary: LuaValueConvertible where Key == String, Value: LuaValueConvertible {
    package var luaValue: LuaValue { .table(LuaTable(fields: mapValues(\.luaValue))) }
}

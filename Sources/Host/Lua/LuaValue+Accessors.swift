extension LuaValue {
    /// True for `.nil`.
    public var isNil: Bool { self == .nil }

    /// Lua truthiness: everything except `nil` and `false` is true.
    public var isTruthy: Bool {
        switch self {
        case .nil, .bool(false): false
        default: true
        }
    }

    /// The boolean, if this is `.bool`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The integer, also from a float with an exact integer value (as Lua's `math.tointeger`).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The number as a Double, from `.number` or `.integer`.
    public var doubleValue: Double? {
        switch self {
        case .number(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The string, if this is `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The table, if this is `.table`.
    public var tableValue: LuaTable? {
        if case .table(let value) = self { value } else { nil }
    }

    /// `self[key]` of a table, `.nil` for anything else.
    public subscript(key: String) -> LuaValue {
        tableValue?[key] ?? .nil
    }

    /// `self[index]` (1-based) of a table, `.nil` for anything else.
    public subscript(index: Int64) -> LuaValue {
        tableValue?[index] ?? .nil
    }
}

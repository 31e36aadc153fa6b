/// A Lua table whose keys are strings or integers.
///
/// Tables read from Lua are normalized: keys `1...n` (the longest run without a gap) form
/// `array`, other integer keys are in `sparse`, string keys in `fields`. Keys of other types
/// (floats, booleans, tables) are refused when converting. When pushing to Lua, `.nil`
/// elements of `array` leave holes, and `array` wins over `sparse` for the same index.
public struct LuaTable: Sendable, Hashable {
    /// Values at Lua indices 1, 2, 3, ...
    public var array: [LuaValue]
    /// Values under string keys.
    public var fields: [String: LuaValue]
    /// Values under integer keys outside `array`.
    public var sparse: [Int64: LuaValue]

    /// An empty table.
    public init() {
        self.init(array: [], fields: [:], sparse: [:])
    }

    /// Creates a table from its parts, as given (no normalization).
    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:], sparse: [Int64: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
        self.sparse = sparse
    }

    /// Creates a normalized table: the run of keys `1...n` moves from `integerKeys` to `array`.
    public init(integerKeys: [Int64: LuaValue], fields: [String: LuaValue] = [:]) {
        var rest = integerKeys
        var array: [LuaValue] = []
        var index: Int64 = 1
        while let value = rest.removeValue(forKey: index) {
            array.append(value)
            index += 1
        }
        self.init(array: array, fields: fields, sparse: rest)
    }

    /// True when the table has no entries.
    public var isEmpty: Bool { array.isEmpty && fields.isEmpty && sparse.isEmpty }

    /// The value at Lua index `index` (1-based), or `.nil`.
    public subscript(index: Int64) -> LuaValue {
        if index >= 1, index <= Int64(array.count) { return array[Int(index - 1)] }
        return sparse[index] ?? .nil
    }

    /// The value under the string key `key`, or `.nil`.
    public subscript(key: String) -> LuaValue {
        fields[key] ?? .nil
    }
}

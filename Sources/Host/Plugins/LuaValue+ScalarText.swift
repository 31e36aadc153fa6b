extension LuaValue {
    /// A string, number or boolean as text (SQL parameters, tags, log lines); nil otherwise.
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }
}

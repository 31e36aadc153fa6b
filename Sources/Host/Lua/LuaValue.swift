/// A Lua value crossing between Swift and a script.
///
/// Integers and floats stay distinct, as in Lua 5.4 (`.integer(1) != .number(1)`). Strings are
/// decoded as UTF-8, invalid bytes replaced. Functions, userdata and coroutines cannot leave
/// their state: they arrive as `.opaque` with a description such as `"function: 0x5581…"`, and
/// cannot be passed back.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case opaque(String)
}

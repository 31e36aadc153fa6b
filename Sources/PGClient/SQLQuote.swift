/// The one place where SQL text is built from values. Everything else goes through
/// `PQexecParams` parameters. Needed where PostgreSQL takes no parameters (`ALTER SYSTEM`,
/// utility commands) and for ProxySQL's admin port, which speaks only the simple protocol.
///
/// Literals double single quotes and leave backslashes alone: right for PostgreSQL with
/// `standard_conforming_strings = on` (the default since 9.1, and what we require) and for
/// ProxySQL's SQLite dialect. NUL cannot be represented in either, so it is refused.
public enum SQLQuote {
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public let value: String
        public var description: String { "value contains a NUL byte and cannot be sent as SQL: \(value.debugDescription)" }
    }

    /// `'it''s'` for `it's`.
    public static func literal(_ value: String) throws(Error) -> String {
        try checked(value)
        return "'" + value.replacingAll("'", with: "''") + "'"
    }

    /// `"My Table"` for `My Table`, `"a""b"` for `a"b`.
    public static func identifier(_ value: String) throws(Error) -> String {
        try checked(value)
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    private static func checked(_ value: String) throws(Error) {
        if value.utf8.contains(0) { throw Error(value: value) }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for ch in self {
            if ch == target { out += replacement } else { out.append(ch) }
        }
        return out
    }
}

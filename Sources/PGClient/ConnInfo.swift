internal import CLibPQ

/// A libpq connection string (`host=db1 port=5432 user='repl user'`), as found in
/// `primary_conninfo`, kept as an ordered list so a rewrite changes only what it touches.
///
/// Parsing follows libpq's keyword/value rules (single quotes, backslash escapes); URIs
/// (`postgresql://...`) are parsed by libpq itself. `text` always writes keyword/value form.
public struct ConnInfo: Sendable, Equatable, CustomStringConvertible {
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String
        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { "invalid connection string: \(message)" }
    }

    public private(set) var parameters: [Parameter]

    public init(_ parameters: [Parameter] = []) { self.parameters = parameters }

    public init(parsing text: String) throws(ParseError) {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            parameters = try Self.parseURI(text)
        } else {
            parameters = try Self.parseKeywordValue(text)
        }
    }

    /// The value of `keyword`; setting nil removes it, setting a value replaces it in place
    /// (or appends it), so the other parameters keep their order and spelling.
    public subscript(keyword: String) -> String? {
        get { parameters.last(where: { $0.keyword == keyword })?.value }
        set {
            guard let newValue else {
                parameters.removeAll { $0.keyword == keyword }
                return
            }
            if let i = parameters.lastIndex(where: { $0.keyword == keyword }) {
                parameters[i].value = newValue
                parameters.removeAll { $0.keyword == keyword && $0.value != newValue }
            } else {
                parameters.append(Parameter(keyword, newValue))
            }
        }
    }

    /// The connection string in keyword/value form, quoting values where libpq needs it.
    public var text: String {
        parameters.map { "\($0.keyword)=\(Self.quote($0.value))" }.joined(separator: " ")
    }

    /// The connection string with every secret replaced, safe for logs and the API.
    public var description: String {
        ConnInfo(parameters.map { Self.isSecret($0.keyword) ? Parameter($0.keyword, "<redacted>") : $0 }).text
    }

    /// The connection string without its secrets (`password`, `sslpassword`, and any keyword
    /// naming a pass, secret or key, today's or a future libpq's), for storing and serving.
    public var withoutSecrets: ConnInfo {
        ConnInfo(parameters.filter { !Self.isSecret($0.keyword) })
    }

    /// Keywords whose value names a file, not a secret: the file's contents stay on its host.
    static let fileKeywords: Set<String> = ["sslkey", "sslkeylogfile", "passfile", "sslrootcert", "sslcert", "sslcrl", "sslcrldir"]

    static func isSecret(_ keyword: String) -> Bool {
        let lowered = keyword.lowercased()
        guard !fileKeywords.contains(lowered) else { return false }
        return ["pass", "secret", "key", "token"].contains { lowered.contains($0) }
    }

    static func quote(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" || $0.isWhitespace }
        guard needsQuotes else { return value }
        var out = "'"
        for ch in value {
            if ch == "'" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        out.append("'")
        return out
    }

    private static func parseKeywordValue(_ text: String) throws(ParseError) -> [Parameter] {
        var result: [Parameter] = []
        var chars = Array(text)[...]
        func skipSpace() { while let c = chars.first, c.isWhitespace { chars.removeFirst() } }
        while true {
            skipSpace()
            guard !chars.isEmpty else { break }
            var keyword = ""
            while let c = chars.first, c != "=", !c.isWhitespace {
                keyword.append(c)
                chars.removeFirst()
            }
            skipSpace()
            guard chars.first == "=" else {
                throw ParseError(message: "missing \"=\" after \"\(keyword)\"")
            }
            chars.removeFirst()
            skipSpace()
            var value = ""
            if chars.first == "'" {
                chars.removeFirst()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\\", let next = chars.popFirst() {
                        value.append(next)
                    } else if c == "'" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw ParseError(message: "unterminated quoted string for \"\(keyword)\"") }
            } else {
                while let c = chars.first, !c.isWhitespace {
                    chars.removeFirst()
                    if c == "\\", let next = chars.popFirst() { value.append(next) } else { value.append(c) }
                }
            }
            result.append(Parameter(keyword, value))
        }
        return result
    }

    private static func parseURI(_ text: String) throws(ParseError) -> [Parameter] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &error) else {
            let message = error.map { String(cString: $0).trimmingTrailingNewlines } ?? "out of memory"
            if let error { PQfreemem(error) }
            throw ParseError(message: message)
        }
        defer { PQconninfoFree(options) }
        var result: [Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result.append(Parameter(String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return result
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}

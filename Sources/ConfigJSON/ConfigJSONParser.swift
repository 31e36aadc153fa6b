/// A strict RFC 8259 parser (no comments, no trailing commas, UTF-8 only) that reports the
/// line and column of the first error. Written here instead of using `JSONSerialization`
/// because that one cannot tell `1` from `true` on every platform, loses member order and
/// duplicates, and gives no position for syntax errors.
public struct ConfigJSONParser {
    public struct SyntaxError: Error, Equatable {
        public var line: Int
        public var column: Int
        /// What was found, already phrased for a message: `"}"`, `end of file`, ...
        public var found: String
        public var expected: String
    }

    /// Deeper nesting than this is refused instead of risking the stack.
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> ConfigJSONValue {
        var parser = ConfigJSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8]) {
        // A UTF-8 byte order mark is tolerated, as most editors can write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.bytes = Array(bytes.dropFirst(3))
        } else {
            self.bytes = bytes
        }
    }

    private mutating func parseDocument() throws(SyntaxError) -> ConfigJSONValue {
        skipWhitespace()
        if index >= bytes.count {
            throw error(expected: "a JSON object (the file is empty)")
        }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw error(expected: "end of file after the top-level value")
        }
        return value
    }

    // MARK: values

    private mutating func parseValue() throws(SyntaxError) -> ConfigJSONValue {
        guard let byte = peek() else { throw error(expected: "a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error(expected: "a value")
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> ConfigJSONValue {
        try enterContainer()
        advance() // {
        var members: [ConfigJSONMember] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                if peek() == UInt8(ascii: "}"), !members.isEmpty {
                    throw error(expected: "a quoted key (JSON allows no comma before \"}\")")
                }
                throw error(expected: "a quoted key")
            }
            let keyLine = line
            let keyColumn = column
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error(expected: "\":\" after the key \"\(key)\"") }
            advance()
            skipWhitespace()
            let value = try parseValue()
            members.append(ConfigJSONMember(key: key, value: value, line: keyLine, column: keyColumn))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "}"):
                advance()
                depth -= 1
                return .object(members)
            default:
                throw error(expected: "\",\" or \"}\" after the value of \"\(key)\"")
            }
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> ConfigJSONValue {
        try enterContainer()
        advance() // [
        var elements: [ConfigJSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "]"), !elements.isEmpty {
                throw error(expected: "a value (JSON allows no comma before \"]\")")
            }
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                advance()
            case UInt8(ascii: "]"):
                advance()
                depth -= 1
                return .array(elements)
            default:
                throw error(expected: "\",\" or \"]\" in a list")
            }
        }
    }

    private mutating func enterContainer() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error(expected: "at most \(Self.maximumDepth) levels of nesting")
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(SyntaxError) {
        let expectedBytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expectedByte in expectedBytes {
            guard peek() == expectedByte else { throw error(expected: "a value (true, false, null, a number, a string, a list or an object)") }
            advance()
        }
        if let next = peek(), isIdentifierByte(next) {
            throw error(expected: "a value (true, false, null, a number, a string, a list or an object)")
        }
    }

    private mutating func parseNumber() throws(SyntaxError) -> ConfigJSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { advance() }
        guard let first = peek(), isDigit(first) else { throw error(expected: "a digit") }
        advance()
        if first != UInt8(ascii: "0") {
            while let byte = peek(), isDigit(byte) { advance() }
        }
        if peek() == UInt8(ascii: ".") {
            advance()
            guard let byte = peek(), isDigit(byte) else { throw error(expected: "a digit after the decimal point") }
            while let byte = peek(), isDigit(byte) { advance() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            advance()
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
            guard let byte = peek(), isDigit(byte) else { throw error(expected: "a digit in the exponent") }
            while let byte = peek(), isDigit(byte) { advance() }
        }
        if let byte = peek(), isIdentifierByte(byte) || byte == UInt8(ascii: ".") {
            throw error(expected: "a number (JSON numbers are decimal, like 5 or 0.5)")
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        advance() // opening quote
        var scalars = String.UnicodeScalarView()
        var pendingBytes: [UInt8] = []
        func flush(_ pending: inout [UInt8], into scalars: inout String.UnicodeScalarView) -> Bool {
            guard !pending.isEmpty else { return true }
            guard let text = String(validating: pending, as: UTF8.self) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            pending.removeAll(keepingCapacity: true)
            return true
        }
        while true {
            guard let byte = peek() else { throw error(expected: "a closing quote for the string") }
            switch byte {
            case UInt8(ascii: "\""):
                guard flush(&pendingBytes, into: &scalars) else { throw error(expected: "valid UTF-8 text") }
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                guard flush(&pendingBytes, into: &scalars) else { throw error(expected: "valid UTF-8 text") }
                scalars.append(try parseEscape())
            case 0..<0x20:
                throw error(expected: "no raw control characters inside a string (write \\n, \\t, ...)")
            default:
                pendingBytes.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape() throws(SyntaxError) -> Unicode.Scalar {
        advance() // backslash
        guard let byte = peek() else { throw error(expected: "an escape sequence") }
        let simple: Unicode.Scalar? = switch byte {
        case UInt8(ascii: "\""): "\""
        case UInt8(ascii: "\\"): "\\"
        case UInt8(ascii: "/"): "/"
        case UInt8(ascii: "b"): "\u{08}"
        case UInt8(ascii: "f"): "\u{0C}"
        case UInt8(ascii: "n"): "\n"
        case UInt8(ascii: "r"): "\r"
        case UInt8(ascii: "t"): "\t"
        default: nil
        }
        if let simple {
            advance()
            return simple
        }
        guard byte == UInt8(ascii: "u") else {
            throw error(expected: "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)")
        }
        advance()
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard peek() == UInt8(ascii: "\\") else { throw error(expected: "the second half of a \\u surrogate pair") }
            advance()
            guard peek() == UInt8(ascii: "u") else { throw error(expected: "the second half of a \\u surrogate pair") }
            advance()
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw error(expected: "a low surrogate (\\uDC00 to \\uDFFF)") }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw error(expected: "a valid Unicode code point") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw error(expected: "a valid Unicode code point (lone surrogate)") }
        return scalar
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw error(expected: "four hex digits after \\u") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(expected: "four hex digits after \\u")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    // MARK: scanning

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func advance() {
        guard index < bytes.count else { return }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // Count characters, not bytes: UTF-8 continuation bytes do not move the column.
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
              byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            advance()
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    /// An error at the current position. `found` names one character or token, never the
    /// surrounding text, so a syntax error inside a password string cannot print the password.
    private func error(expected: String) -> SyntaxError {
        SyntaxError(line: line, column: column, found: describeCurrent(), expected: expected)
    }

    private func describeCurrent() -> String {
        guard let byte = peek() else { return "end of file" }
        if byte == UInt8(ascii: "/") {
            return "\"/\" (JSON has no comments)"
        }
        if byte < 0x20 || byte == 0x7F {
            return "control character U+" + hex(UInt32(byte))
        }
        if byte < 0x80 {
            return "\"" + String(UnicodeScalar(byte)) + "\""
        }
        // Decode one multi-byte character for the message, if it is valid UTF-8.
        var end = index + 1
        while end < bytes.count, end - index < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        if let text = String(validating: bytes[index..<end], as: UTF8.self) {
            return "\"" + text + "\""
        }
        return "a byte that is not valid UTF-8"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// A parsed JSON value that keeps what the config loader needs and `JSONSerialization` loses:
/// numbers as written (so `5`, `5.0` and `true` stay distinct), object members in file order,
/// duplicate members, and the line and column of every member.
public enum ConfigJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number literal exactly as written, already checked against the JSON grammar.
    case number(String)
    case string(String)
    case array([ConfigJSONValue])
    case object([ConfigJSONMember])

    /// "a string", "a number", ... for messages such as "got a string, expected ...".
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// Whether the literal has no fraction and no exponent (`5` but not `5.0` or `5e0`).
    public var isWholeNumberLiteral: Bool {
        guard case .number(let text) = self else { return false }
        return !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    }

    public static func integer(_ value: Int) -> ConfigJSONValue { .number(String(value)) }

    public static func double(_ value: Double) -> ConfigJSONValue {
        if value.rounded() == value, abs(value) < 1e15 {
            return .number(String(Int(value)))
        }
        return .number(String(value))
    }

    public static func strings(_ values: [String]) -> ConfigJSONValue { .array(values.map(ConfigJSONValue.string)) }
}

/// One `"key": value` pair of an object, with the position of its key.
public struct ConfigJSONMember: Sendable, Equatable {
    public var key: String
    public var value: ConfigJSONValue
    /// Where the key was in the text (1-based); 0 for a member made in code.
    public var line: Int
    public var column: Int

    public init(key: String, value: ConfigJSONValue, line: Int = 0, column: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
        self.column = column
    }

    /// Positions are bookkeeping, not content: two members are equal when key and value are.
    public static func == (lhs: ConfigJSONMember, rhs: ConfigJSONMember) -> Bool {
        lhs.key == rhs.key && lhs.value == rhs.value
    }
}

public import ConfigJSON

/// State and helpers shared by every key while one file is decoded: the file name for messages,
/// the environment for `${VAR}`, the warnings so far, and typed extraction of JSON values that
/// turns every mismatch into a `ConfigError` naming the key, the value and the expectation.
/// Public for the rows of blocks (`ConfigBlock`) that decode more than one value.
public struct ConfigDecodeContext {
    let file: String
    let environment: [String: String]
    var warnings: [String] = []
    /// Canonical names of the keys present (non-null) in the object being decoded.
    var presentKeys: Set<String> = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    public mutating func warn(_ message: String) {
        warnings.append("\(file): \(message)")
    }

    public func isPresent(_ name: String) -> Bool { presentKeys.contains(name) }

    // MARK: errors

    static let redacted = Secret.redactedText
    static let displayLimit = 120

    /// A value as the user wrote it, compact, shortened, with secret-looking members redacted.
    public func display(_ value: ConfigJSONValue, secret: Bool) -> String {
        if secret { return Self.redacted }
        return Self.shorten(ConfigJSONWriter.compact(Self.redactingSecretMembers(value)))
    }

    /// A string value after `${VAR}` expansion, showing what it was written as when that differs.
    public func display(raw: String, expanded: String, secret: Bool) -> String {
        if secret { return Self.redacted }
        if raw == expanded { return Self.shorten(ConfigJSONWriter.quoted(raw)) }
        return Self.shorten(ConfigJSONWriter.quoted(expanded)) + " (from " + Self.shorten(ConfigJSONWriter.quoted(raw)) + ")"
    }

    public func invalid(_ key: String, _ value: ConfigJSONValue, secret: Bool, expected: String) -> ConfigError {
        ConfigError(kind: .invalidValue, file: file, key: key, value: display(value, secret: secret), expected: expected)
    }

    public func invalid(_ key: String, shown: String, expected: String) -> ConfigError {
        ConfigError(kind: .invalidValue, file: file, key: key, value: shown, expected: expected)
    }

    static func shorten(_ text: String) -> String {
        guard text.count > displayLimit else { return text }
        return String(text.prefix(displayLimit)) + "…"
    }

    /// Replaces the value of any member whose name looks like a credential, at any depth, so
    /// that echoing a wrongly shaped object (e.g. a list of endpoints) cannot print a password.
    static func redactingSecretMembers(_ value: ConfigJSONValue) -> ConfigJSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map(redactingSecretMembers))
        case .object(let members):
            return .object(members.map { member in
                var member = member
                if isSecretLookingName(member.key) {
                    if case .string(let text) = member.value, text.isEmpty { return member }
                    member.value = .string(redacted)
                } else {
                    member.value = redactingSecretMembers(member.value)
                }
                return member
            })
        default:
            return value
        }
    }

    static func isSecretLookingName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["password", "secret", "token", "credential"].contains { lower.contains($0) }
    }

    // MARK: extraction

    /// A string, `${VAR}`-expanded when `expand` is true. Returns the text as written and as used.
    public func string(_ value: ConfigJSONValue, key: String, secret: Bool, expand: Bool,
                expected: String = "a string") throws(ConfigError) -> (raw: String, value: String) {
        guard case .string(let raw) = value else {
            throw invalid(key, value, secret: secret, expected: expected)
        }
        guard expand else { return (raw, raw) }
        do {
            return (raw, try ConfigEnvironmentExpansion.expand(raw, environment: environment))
        } catch {
            let shown = secret ? Self.redacted : Self.shorten(ConfigJSONWriter.quoted(raw))
            switch error {
            case .undefined(let name):
                throw ConfigError(kind: .undefinedVariable, file: file, key: key, value: shown,
                                  expected: "environment variable \(name) to be set (referenced as ${\(name)}; write $${ for a literal ${)")
            case .malformed(let reference):
                let found = secret ? "a malformed reference" : reference
                throw ConfigError(kind: .undefinedVariable, file: file, key: key, value: shown,
                                  expected: "${NAME} with a closing brace and a name of letters, digits and _ (found \(found); write $${ for a literal ${)")
            }
        }
    }

    public func integer(_ value: ConfigJSONValue, key: String, range: ClosedRange<Int>, expected: String) throws(ConfigError) -> Int {
        guard case .number(let text) = value, value.isWholeNumberLiteral, let number = Int(text), range.contains(number) else {
            throw invalid(key, value, secret: false, expected: expected)
        }
        return number
    }

    public func double(_ value: ConfigJSONValue, key: String, minimum: Double, expected: String) throws(ConfigError) -> Double {
        guard case .number(let text) = value, let number = Double(text), number.isFinite, number >= minimum else {
            throw invalid(key, value, secret: false, expected: expected)
        }
        return number
    }

    public func bool(_ value: ConfigJSONValue, key: String) throws(ConfigError) -> Bool {
        guard case .bool(let flag) = value else {
            throw invalid(key, value, secret: false, expected: "true or false")
        }
        return flag
    }

    /// A list of strings; each element is checked by `check` (which may throw for that element,
    /// whose key is `key[index]`).
    public func stringList(_ value: ConfigJSONValue, key: String, expand: Bool, expected: String,
                    check: (_ raw: String, _ value: String, _ elementKey: String) throws(ConfigError) -> Void = { _, _, _ in })
        throws(ConfigError) -> [String] {
        guard case .array(let elements) = value else {
            throw invalid(key, value, secret: false, expected: expected)
        }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementKey = "\(key)[\(index)]"
            let text = try string(element, key: elementKey, secret: false, expand: expand,
                                  expected: "a string (every entry of \(key) is one)")
            try check(text.raw, text.value, elementKey)
            result.append(text.value)
        }
        return result
    }
}

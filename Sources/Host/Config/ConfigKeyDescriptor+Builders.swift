import ConfigJSON

/// Units of integer keys, for the reference's type column and for messages.
public enum ConfigValueUnit: Sendable {
    case count, milliseconds, seconds, minutes, hours, days

    public var typeName: String {
        switch self {
        case .count: "integer"
        case .milliseconds: "integer (milliseconds)"
        case .seconds: "integer (seconds)"
        case .minutes: "integer (minutes)"
        case .hours: "integer (hours)"
        case .days: "integer (days)"
        }
    }

    public var phrase: String {
        switch self {
        case .count: "a whole number"
        case .milliseconds: "a whole number of milliseconds"
        case .seconds: "a whole number of seconds"
        case .minutes: "a whole number of minutes"
        case .hours: "a whole number of hours"
        case .days: "a whole number of days"
        }
    }
}

/// The constructors the key tables are written with. Each builds the parse, validation and
/// rendering of one key from a key path, so a table row is one line of intent.
extension ConfigKeyDescriptor {
    public typealias Path<Value> = any WritableKeyPath<Root, Value> & Sendable
    /// Returns nil when the value is acceptable, otherwise the "expected ..." phrase.
    public typealias Check = @Sendable (_ value: String) -> String?

    public static func flag(_ name: String, _ keyPath: Path<Bool>, _ section: ConfigSection, doc: String) -> Self {
        Self(name: name, section: section, typeName: "boolean", defaultValue: .bool(Root()[keyPath: keyPath]),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
             apply: { root, value, key, context throws(ConfigError) in
                 root[keyPath: keyPath] = try context.bool(value, key: key.path)
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .bool(root[keyPath: keyPath]))] })
    }

    public static func integer(_ name: String, _ keyPath: Path<Int>, _ section: ConfigSection, unit: ConfigValueUnit,
                        minimum: Int, maximum: Int = Int.max, doc: String) -> Self {
        let expected = maximum == Int.max ? "\(unit.phrase) >= \(minimum)" : "\(unit.phrase) from \(minimum) to \(maximum)"
        return Self(name: name, section: section, typeName: unit.typeName, defaultValue: .integer(Root()[keyPath: keyPath]),
                    doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
                    apply: { root, value, key, context throws(ConfigError) in
                        root[keyPath: keyPath] = try context.integer(value, key: key.path, range: minimum...maximum, expected: expected)
                    },
                    render: { root, _ in [ConfigJSONMember(key: name, value: .integer(root[keyPath: keyPath]))] })
    }

    public static func port(_ name: String, _ keyPath: Path<Int>, _ section: ConfigSection, doc: String) -> Self {
        Self(name: name, section: section, typeName: "integer (port)", defaultValue: .integer(Root()[keyPath: keyPath]),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
             apply: { root, value, key, context throws(ConfigError) in
                 root[keyPath: keyPath] = try context.integer(value, key: key.path, range: 1...65535,
                                                              expected: "a port number from 1 to 65535")
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .integer(root[keyPath: keyPath]))] })
    }

    public static func decimal(_ name: String, _ keyPath: Path<Double>, _ section: ConfigSection, minimum: Double, doc: String) -> Self {
        let expected = "a number >= \(ConfigJSONWriter.compact(.double(minimum)))"
        return Self(name: name, section: section, typeName: "number", defaultValue: .double(Root()[keyPath: keyPath]),
                    doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
                    apply: { root, value, key, context throws(ConfigError) in
                        root[keyPath: keyPath] = try context.double(value, key: key.path, minimum: minimum, expected: expected)
                    },
                    render: { root, _ in [ConfigJSONMember(key: name, value: .double(root[keyPath: keyPath]))] })
    }

    /// A string key. `check` validates the expanded value; `normalize` rewrites it before storing.
    public static func text(_ name: String, _ keyPath: Path<String>, _ section: ConfigSection, typeName: String = "string",
                     check: Check? = nil, normalize: (@Sendable (String) -> String)? = nil, doc: String) -> Self {
        Self(name: name, section: section, typeName: typeName, defaultValue: .string(Root()[keyPath: keyPath]),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
             apply: { root, value, key, context throws(ConfigError) in
                 let text = try context.string(value, key: key.path, secret: false, expand: true)
                 if let check, let expected = check(text.value) {
                     throw context.invalid(key.path, shown: context.display(raw: text.raw, expanded: text.value, secret: false),
                                           expected: expected)
                 }
                 root[keyPath: keyPath] = normalize?(text.value) ?? text.value
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .string(root[keyPath: keyPath]))] })
    }

    /// A password-like string: `<redacted>` in every message and in the redacted rendering.
    public static func secret(_ name: String, _ keyPath: Path<Secret>, _ section: ConfigSection, doc: String) -> Self {
        Self(name: name, section: section, typeName: "string (secret)", defaultValue: .string(Root()[keyPath: keyPath].value),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath) + ".value"), secret: true,
             apply: { root, value, key, context throws(ConfigError) in
                 root[keyPath: keyPath] = Secret(try context.string(value, key: key.path, secret: true, expand: true).value)
             },
             render: { root, redact in
                 let secret = root[keyPath: keyPath]
                 let shown = redact && !secret.isEmpty ? Secret.redactedText : secret.value
                 return [ConfigJSONMember(key: name, value: .string(shown))]
             })
    }

    /// A string key with a closed set of values, stored as an enum.
    public static func choice<Value>(_ name: String, _ keyPath: Path<Value>, _ section: ConfigSection,
                              special: [String: String] = [:], doc: String) -> Self
        where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
        let allowed = Value.allCases.map { ConfigJSONWriter.quoted($0.rawValue) }.joined(separator: ", ")
        return Self(name: name, section: section, typeName: "string, one of " + allowed,
                    defaultValue: .string(Root()[keyPath: keyPath].rawValue),
                    doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
                    apply: { root, value, key, context throws(ConfigError) in
                        let text = try context.string(value, key: key.path, secret: false, expand: true,
                                                      expected: "a string, one of \(allowed)")
                        guard let parsed = Value(rawValue: text.value) else {
                            throw context.invalid(key.path, shown: context.display(raw: text.raw, expanded: text.value, secret: false),
                                                  expected: special[text.value.lowercased()] ?? "one of \(allowed)")
                        }
                        root[keyPath: keyPath] = parsed
                    },
                    render: { root, _ in [ConfigJSONMember(key: name, value: .string(root[keyPath: keyPath].rawValue))] })
    }

    /// A list of strings. Hook lists pass `expand: false` (the shell expands at run time).
    public static func list(_ name: String, _ keyPath: Path<[String]>, _ section: ConfigSection, expand: Bool = true,
                     typeName: String = "list of strings", check: Check? = nil, doc: String) -> Self {
        Self(name: name, section: section, typeName: typeName, defaultValue: .strings(Root()[keyPath: keyPath]),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)), expandsEnvironment: expand,
             apply: { root, value, key, context throws(ConfigError) in
                 root[keyPath: keyPath] = try context.stringList(
                     value, key: key.path, expand: expand, expected: "a list of strings, like [\"...\"]"
                 ) { raw, text, elementKey throws(ConfigError) in
                     if let check, let expected = check(text) {
                         throw context.invalid(elementKey, shown: context.display(raw: raw, expanded: text, secret: false),
                                               expected: expected)
                     }
                 }
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .strings(root[keyPath: keyPath]))] })
    }

    /// A `*Filters` key: a list of regular expressions, each compiled at load time.
    static func patterns(_ name: String, _ keyPath: Path<PatternList>, _ section: ConfigSection, doc: String) -> Self {
        Self(name: name, section: section, typeName: "list of regex", defaultValue: .strings(Root()[keyPath: keyPath].patterns),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
             apply: { root, value, key, context throws(ConfigError) in
                 let patterns = try context.stringList(
                     value, key: key.path, expand: true, expected: "a list of regular expressions, like [\".*\"]"
                 ) { raw, text, elementKey throws(ConfigError) in
                     if !PatternList.compiles(text) {
                         throw context.invalid(elementKey, shown: context.display(raw: raw, expanded: text, secret: false),
                                               expected: "a valid regular expression")
                     }
                 }
                 root[keyPath: keyPath] = PatternList(patterns)
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .strings(root[keyPath: keyPath].patterns))] })
    }

    /// A cluster filter list (`ClusterFilters`): each entry checked at load time.
    static func clusterFilters(_ name: String, _ keyPath: Path<ClusterFilters>, _ section: ConfigSection, doc: String) -> Self {
        Self(name: name, section: section, typeName: "list of cluster filters", defaultValue: .strings(Root()[keyPath: keyPath].filters),
             doc: doc, status: .honoured(swiftPath: swiftPath(keyPath)),
             apply: { root, value, key, context throws(ConfigError) in
                 let filters = try context.stringList(
                     value, key: key.path, expand: true, expected: "a list of cluster filters, like [\"*\"] or [\"alias=payments\"]"
                 ) { raw, text, elementKey throws(ConfigError) in
                     if let expected = ClusterFilters.problem(text) {
                         throw context.invalid(elementKey, shown: context.display(raw: raw, expanded: text, secret: false),
                                               expected: expected)
                     }
                 }
                 root[keyPath: keyPath] = ClusterFilters(filters)
             },
             render: { root, _ in [ConfigJSONMember(key: name, value: .strings(root[keyPath: keyPath].filters))] })
    }

    /// A key accepted for compatibility and not used. Its value is still type-checked (a wrong
    /// type is refused like anywhere else) but never `${VAR}`-expanded.
    static func ignored(_ name: String, _ shape: ConfigIgnoredShape, _ defaultValue: ConfigJSONValue,
                        secret: Bool = false, warnWhenSet: String? = nil, reason: String) -> Self {
        Self(name: name, section: .general, typeName: shape.typeName, defaultValue: defaultValue, doc: "",
             status: .ignored(reason: reason), secret: secret, expandsEnvironment: false, warningWhenSet: warnWhenSet,
             apply: { _, value, key, context throws(ConfigError) in
                 try shape.check(value, key: key.path, secret: secret, context: context)
             },
             render: { _, _ in [] })
    }
}

/// The type of an ignored key, checked so that a malformed file is refused consistently.
enum ConfigIgnoredShape: Sendable {
    case boolean, integer, unsignedInteger, number, string, stringList, patternList, pattern, stringMap

    var typeName: String {
        switch self {
        case .boolean: "boolean"
        case .integer: "integer"
        case .unsignedInteger: "integer >= 0"
        case .number: "number"
        case .string: "string"
        case .stringList: "list of strings"
        case .patternList: "list of regex"
        case .pattern: "regex"
        case .stringMap: "object of strings"
        }
    }

    func check(_ value: ConfigJSONValue, key: String, secret: Bool, context: ConfigDecodeContext) throws(ConfigError) {
        switch self {
        case .boolean:
            _ = try context.bool(value, key: key)
        case .integer:
            _ = try context.integer(value, key: key, range: Int.min...Int.max, expected: "a whole number")
        case .unsignedInteger:
            _ = try context.integer(value, key: key, range: 0...Int.max, expected: "a whole number >= 0")
        case .number:
            _ = try context.double(value, key: key, minimum: -Double.greatestFiniteMagnitude, expected: "a number")
        case .string:
            _ = try context.string(value, key: key, secret: secret, expand: false)
        case .stringList:
            _ = try context.stringList(value, key: key, expand: false, expected: "a list of strings")
        case .patternList:
            _ = try context.stringList(value, key: key, expand: false, expected: "a list of regular expressions") { raw, _, elementKey throws(ConfigError) in
                if !PatternList.compiles(raw) {
                    throw context.invalid(elementKey, .string(raw), secret: false, expected: "a valid regular expression")
                }
            }
        case .pattern:
            let text = try context.string(value, key: key, secret: false, expand: false, expected: "a regular expression (a string)")
            if !text.raw.isEmpty, !PatternList.compiles(text.raw) {
                throw context.invalid(key, value, secret: false, expected: "a valid regular expression")
            }
        case .stringMap:
            guard case .object(let members) = value else {
                throw context.invalid(key, value, secret: secret, expected: "an object of strings, like {\"a\": \"b\"}")
            }
            for member in members {
                _ = try context.string(member.value, key: "\(key)[\(ConfigJSONWriter.quoted(member.key))]", secret: secret, expand: false)
            }
        }
    }
}

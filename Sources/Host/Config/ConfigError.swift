/// Why a configuration was refused. Every failure of loading, parsing or validating a config
/// file is one of these (never a crash or a stack trace); the daemon prints `description` and
/// exits with `ConfigError.exitCode`.
///
/// `description` is one line, for example
/// `orchestrator.conf.json: InstancePollSeconds: got -1, expected a whole number of seconds >= 1`.
/// The value of a password (or other secret) key is always shown as `<redacted>`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; stable, for programs and tests.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read (missing, permission, a directory, ...).
        case unreadableFile
        /// The file is not valid JSON; `line` and `column` say where.
        case invalidJSON
        /// The file is valid JSON but its top level is not an object.
        case notAnObject
        /// A key has a value of the wrong type or an impossible value.
        case invalidValue
        /// A required key (one of an entry of a block's list) is absent.
        case missingValue
        /// A `${VAR}` reference names an environment variable that is not set, or is malformed.
        case undefinedVariable
        /// Two spellings of one setting (aliases, or a key given twice) with different values.
        case conflictingKeys
    }

    /// The exit code the daemon uses when it refuses its configuration.
    public static let exitCode: Int32 = 2

    public var kind: Kind
    /// The config file as given (a path, or a label such as `<defaults>`).
    public var file: String
    /// The key path, e.g. `InstancePollSeconds`, `DiscoverySeeds[2]`, `Block[0].Port` (an entry of a block's list);
    /// nil for problems of the file as a whole.
    public var key: String?
    /// The offending value as the user wrote it (compact JSON), `<redacted>` for secrets;
    /// for `unreadableFile` the operating system's reason.
    public var value: String?
    /// What would have been accepted.
    public var expected: String
    /// Position of a JSON syntax error (1-based).
    public var line: Int?
    public var column: Int?

    public init(kind: Kind, file: String, key: String? = nil, value: String? = nil, expected: String,
                line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.file = file
        self.key = key
        self.value = value
        self.expected = expected
        self.line = line
        self.column = column
    }

    public var description: String {
        switch kind {
        case .unreadableFile:
            return "\(file): cannot read the configuration file: \(value ?? "unknown error")"
        case .invalidJSON:
            let position = "line \(line ?? 0), column \(column ?? 0)"
            return "\(file): invalid JSON at \(position): got \(value ?? "?"), expected \(expected)"
        case .notAnObject:
            return "\(file): top level: got \(value ?? "?"), expected \(expected)"
        case .missingValue:
            return "\(file): \(key ?? "?"): missing, expected \(expected)"
        case .invalidValue, .undefinedVariable, .conflictingKeys:
            return "\(file): \(key ?? "?"): got \(value ?? "?"), expected \(expected)"
        }
    }
}

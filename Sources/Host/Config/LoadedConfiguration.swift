/// The result of loading a config file: the configuration, the warnings to log once at start
/// (unknown keys, deprecated or ignored keys that matter, case-mismatched keys, no file found),
/// and where it came from.
public struct LoadedConfiguration: Sendable, Equatable {
    public var configuration: Configuration
    /// One line each, prefixed with the file name, ready to log.
    public var warnings: [String]
    /// The file read, or nil when running on the built-in defaults.
    public var source: String?

    public init(configuration: Configuration, warnings: [String], source: String?) {
        self.configuration = configuration
        self.warnings = warnings
        self.source = source
    }
}

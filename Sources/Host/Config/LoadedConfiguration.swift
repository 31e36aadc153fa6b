/// The result of loading a config file: the configuration, the warnings to log once at start
/// (unknown keys, deprecated or ignored keys that matter, case-mismatched keys, no file found),
/// and where it came from.
package struct LoadedConfiguration: Sendable, Equatable {
    package var configuration: Configuration
    /// One line each, prefixed with the file name, ready to log.
    package var warnings: [String]
    /// The file read, or nil when running on the built-in defaults.
    package var source: String?

    package init(configuration: Configuration, warnings: [String], source: String?) {
        self.configuration = configuration
        self.warnings = warnings
        self.source = source
    }
}

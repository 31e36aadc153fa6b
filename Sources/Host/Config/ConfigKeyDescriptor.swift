/// One row of the key table: everything the loader, the validator, the redacted rendering and
/// the generated reference know about one config key. The loader has no per-key code outside
/// these rows, so the reference cannot drift from what is parsed.
struct ConfigKeyDescriptor<Root: ConfigRoot>: Sendable {
    enum Status: Sendable {
        /// Parsed, validated and stored at `swiftPath` (e.g. `config.discovery.instancePollSeconds`).
        case honoured(swiftPath: String)
        /// Accepted (type-checked, no unknown-key warning) but not used, for `reason`.
        case ignored(reason: String)
    }

    /// Another spelling of the same setting.
    struct Alias: Sendable {
        var name: String
        /// Extra words for the reference, e.g. "in seconds".
        var note: String = ""
    }

    /// The key as it occurred: its spelling and its full path for messages
    /// (`Port` / `ProxySQL[1].Port`).
    struct Occurrence: Sendable {
        var spelling: String
        var path: String
    }

    typealias Apply = @Sendable (_ root: inout Root, _ value: ConfigJSONValue, _ key: Occurrence,
                                 _ context: inout ConfigDecodeContext) throws(ConfigError) -> Void
    typealias Render = @Sendable (_ root: Root, _ redact: Bool) -> [ConfigJSONMember]

    var name: String
    var aliases: [Alias] = []
    var section: ConfigSection
    /// Type as shown in the reference ("integer (seconds)", "list of regex", ...).
    var typeName: String
    /// Default as JSON; `.null` means "not set".
    var defaultValue: ConfigJSONValue
    var doc: String
    var status: Status
    /// Value is a password or token: shown as `<redacted>` in errors and renderings.
    var secret = false
    /// String values get `${VAR}` expansion (false for hook commands and ignored keys).
    var expandsEnvironment = true
    /// Absence is an error (only inside ProxySQL endpoints).
    var isRequired = false
    /// Set for deprecated keys: what to use instead, shown in the reference.
    var deprecation: String?
    /// Set for some ignored keys: a warning logged when the key has a non-default value.
    var warningWhenSet: String?
    var apply: Apply
    /// The effective value(s) for the rendered configuration (empty for ignored keys).
    var render: Render

    var isIgnored: Bool {
        if case .ignored = status { return true }
        return false
    }

    var allNames: [String] { [name] + aliases.map(\.name) }

    /// The Swift property path of a key path, e.g. `\Configuration.http.listenAddress` ->
    /// `config.http.listenAddress`.
    static func swiftPath(_ keyPath: AnyKeyPath) -> String {
        let text = String(describing: keyPath)
        let typeName = String(describing: Root.self)
        let prefix = "\\" + typeName
        guard text.hasPrefix(prefix) else { return text }
        return Root.swiftPathPrefix + text.dropFirst(prefix.count)
    }
}

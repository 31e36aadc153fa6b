public import ConfigJSON

/// One row of the key table: everything the loader, the validator, the redacted rendering and
/// the generated reference know about one config key. The loader has no per-key code outside
/// these rows, so the reference cannot drift from what is parsed. Public because a block
/// (`ConfigBlock`) of a compiled-in plugin is written as rows too.
public struct ConfigKeyDescriptor<Root: ConfigRoot>: Sendable {
    public enum Status: Sendable {
        /// Parsed, validated and stored at `swiftPath` (e.g. `config.discovery.instancePollSeconds`).
        case honoured(swiftPath: String)
        /// Accepted (type-checked, no unknown-key warning) but not used, for `reason`.
        case ignored(reason: String)
    }

    /// Another spelling of the same setting.
    public struct Alias: Sendable {
        public var name: String
        /// Extra words for the reference, e.g. "in seconds".
        public var note: String = ""

        public init(name: String, note: String = "") {
            self.name = name
            self.note = note
        }
    }

    /// The key as it occurred: its spelling and its full path for messages
    /// (`Port` / `Block[1].Port` inside the entry of a block's list).
    public struct Occurrence: Sendable {
        public var spelling: String
        public var path: String
    }

    public typealias Apply = @Sendable (_ root: inout Root, _ value: ConfigJSONValue, _ key: Occurrence,
                                        _ context: inout ConfigDecodeContext) throws(ConfigError) -> Void
    public typealias Render = @Sendable (_ root: Root, _ redact: Bool) -> [ConfigJSONMember]

    public var name: String
    public var aliases: [Alias]
    public var section: ConfigSection
    /// Type as shown in the reference ("integer (seconds)", "list of regex", ...).
    public var typeName: String
    /// Default as JSON; `.null` means "not set".
    public var defaultValue: ConfigJSONValue
    public var doc: String
    public var status: Status
    /// Value is a password or token: shown as `<redacted>` in errors and renderings.
    public var secret: Bool
    /// String values get `${VAR}` expansion (false for hook commands and ignored keys).
    public var expandsEnvironment: Bool
    /// Absence is an error (only inside the entries of a block's list).
    public var isRequired: Bool
    /// Set for deprecated keys: what to use instead, shown in the reference.
    public var deprecation: String?
    /// Set for some ignored keys: a warning logged when the key has a non-default value.
    public var warningWhenSet: String?
    public var apply: Apply
    /// The effective value(s) for the rendered configuration (empty for ignored keys).
    public var render: Render

    public init(name: String, aliases: [Alias] = [], section: ConfigSection, typeName: String, defaultValue: ConfigJSONValue,
                doc: String, status: Status, secret: Bool = false, expandsEnvironment: Bool = true, isRequired: Bool = false,
                deprecation: String? = nil, warningWhenSet: String? = nil, apply: @escaping Apply, render: @escaping Render) {
        self.name = name
        self.aliases = aliases
        self.section = section
        self.typeName = typeName
        self.defaultValue = defaultValue
        self.doc = doc
        self.status = status
        self.secret = secret
        self.expandsEnvironment = expandsEnvironment
        self.isRequired = isRequired
        self.deprecation = deprecation
        self.warningWhenSet = warningWhenSet
        self.apply = apply
        self.render = render
    }

    var isIgnored: Bool {
        if case .ignored = status { return true }
        return false
    }

    var allNames: [String] { [name] + aliases.map(\.name) }

    /// The Swift property path of a key path, e.g. `\Configuration.http.listenAddress` ->
    /// `config.http.listenAddress`.
    public static func swiftPath(_ keyPath: AnyKeyPath) -> String {
        let text = String(describing: keyPath)
        let typeName = String(describing: Root.self)
        let prefix = "\\" + typeName
        guard text.hasPrefix(prefix) else { return text }
        return Root.swiftPathPrefix + text.dropFirst(prefix.count)
    }
}

/// A heading of the generated reference. Every key descriptor names one: Host's own, in the
/// order of `ConfigSection.host`, or a block's (`ConfigBlock.section`), listed after them.
public struct ConfigSection: Hashable, Sendable {
    public let title: String

    public init(_ title: String) {
        self.title = title
    }

    static let general = ConfigSection("General")
    static let postgresql = ConfigSection("PostgreSQL connections")
    static let http = ConfigSection("HTTP API, web UI, authentication and TLS")
    static let backend = ConfigSection("Backend store and audit")
    static let discovery = ConfigSection("Discovery and polling")
    static let analysis = ConfigSection("Lag and problem analysis")
    static let clusters = ConfigSection("Cluster aliases and instance metadata")
    static let recovery = ConfigSection("Failure detection and recovery")
    static let hooks = ConfigSection("Shell hooks")
    static let plugins = ConfigSection("Plugins (Lua and drop-in directories)")

    /// Host's headings, in reference order.
    static let host: [ConfigSection] = [general, postgresql, http, backend, discovery, analysis, clusters, recovery, hooks, plugins]
}

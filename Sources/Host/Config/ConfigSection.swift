/// The headings of the generated reference, in order. Every key descriptor names one.
enum ConfigSection: String, CaseIterable, Sendable {
    case general
    case postgresql
    case http
    case backend
    case discovery
    case analysis
    case clusters
    case recovery
    case hooks
    case plugins
    case proxySQL

    var title: String {
        switch self {
        case .general: "General"
        case .postgresql: "PostgreSQL connections"
        case .http: "HTTP API, web UI, authentication and TLS"
        case .backend: "Backend store and audit"
        case .discovery: "Discovery and polling"
        case .analysis: "Lag and problem analysis"
        case .clusters: "Cluster aliases and instance metadata"
        case .recovery: "Failure detection and recovery"
        case .hooks: "Shell hooks"
        case .plugins: "Plugins (Lua and drop-in directories)"
        case .proxySQL: "ProxySQL"
        }
    }
}

/// A type the key table can fill: the configuration itself, or one ProxySQL endpoint.
protocol ConfigRoot: Sendable {
    init()
    /// How a Swift key path of this type is shown in the reference, e.g. `config.http`.
    static var swiftPathPrefix: String { get }
}

extension Configuration: ConfigRoot {
    static var swiftPathPrefix: String { "config" }
}

extension ProxySQLEndpoint: ConfigRoot {
    static var swiftPathPrefix: String { "config.proxySQL[i]" }
}

/// The daemon's configuration: every key of the Orchestrator-compatible JSON file, grouped by
/// subsystem. `Configuration()` is the built-in defaults; `Configuration.load(path:environment:)`
/// reads a file. The JSON key for each property, its type, default and meaning are in
/// `docs/config.md` (generated from the key table, `ConfigKeys.all`, and the blocks' own rows).
///
/// `description` / `debugDescription` print the redacted JSON rendering, never a password.
public struct Configuration: Sendable, Equatable {
    /// `Debug`: verbose logging.
    public var debug = false
    /// `ProviderType`: always `"postgresql"` in this build (validated).
    public var providerType = "postgresql"
    /// PostgreSQL connection settings (`PostgreSQL*`, `DefaultInstancePort`).
    public var postgresql = PostgreSQL()
    /// HTTP API, web UI, authentication and TLS.
    public var http = HTTP()
    /// Backend store (`BackendDB`, `SQLite3DataFile`).
    public var backend = Backend()
    /// Audit sinks and retention (`Audit*`).
    public var audit = Audit()
    /// Discovery and polling.
    public var discovery = Discovery()
    /// Lag thresholds and problem display.
    public var analysis = Analysis()
    /// Cluster aliases and instance metadata queries/patterns.
    public var clusters = Clusters()
    /// Failure detection and recovery gates.
    public var recovery = Recovery()
    /// Shell hook lists and how they run.
    public var hooks = Hooks()
    /// Lua scripts and drop-in plugin directories.
    public var plugins = Plugins()
    /// The blocks compiled-in plugins own (`ConfigBlock`); each plugin reads its own.
    public var blocks = ConfigBlocks()

    public init() {}

    /// The built-in defaults (same as `Configuration()`).
    public static let defaults = Configuration()

    /// `DiscoverySeeds` as addresses; a seed written without a port gets
    /// `postgresql.defaultInstancePort`.
    public var discoverySeedAddresses: [HostPort] {
        discovery.seeds.compactMap { HostPort(parsing: $0, defaultPort: postgresql.defaultInstancePort) }
    }
}

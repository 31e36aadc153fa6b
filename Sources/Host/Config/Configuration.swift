/// The daemon's configuration: every key of the Orchestrator-compatible JSON file, grouped by
/// subsystem. `Configuration()` is the built-in defaults; `Configuration.load(path:environment:)`
/// reads a file. The JSON key for each property, its type, default and meaning are in
/// `docs/config.md` (generated from the key table, `ConfigKeys.all`, and the blocks' own rows).
///
/// `description` / `debugDescription` print the redacted JSON rendering, never a password.
public struct Configuration: Sendable, Equatable {
    /// `Debug`: verbose logging.
    package var debug = false
    /// `ProviderType`: always `"postgresql"` in this build (validated).
    package var providerType = "postgresql"
    /// PostgreSQL connection settings (`PostgreSQL*`, `DefaultInstancePort`).
    package var postgresql = PostgreSQL()
    /// HTTP API, web UI, authentication and TLS.
    package var http = HTTP()
    /// Backend store (`BackendDB`, `SQLite3DataFile`).
    package var backend = Backend()
    /// Audit sinks and retention (`Audit*`).
    package var audit = Audit()
    /// Discovery and polling.
    package var discovery = Discovery()
    /// Lag thresholds and problem display.
    package var analysis = Analysis()
    /// Cluster aliases and instance metadata queries/patterns.
    package var clusters = Clusters()
    /// Failure detection and recovery gates.
    package var recovery = Recovery()
    /// Shell hook lists and how they run.
    package var hooks = Hooks()
    /// Lua scripts and drop-in plugin directories.
    package var plugins = Plugins()
    /// The blocks compiled-in plugins own (`ConfigBlock`); each plugin reads its own.
    public var blocks = ConfigBlocks()

    public init() {}

    /// The built-in defaults (same as `Configuration()`).
    package static let defaults = Configuration()

    /// `DiscoverySeeds` as addresses; a seed written without a port gets
    /// `postgresql.defaultInstancePort`.
    package var discoverySeedAddresses: [HostPort] {
        discovery.seeds.compactMap { HostPort(parsing: $0, defaultPort: postgresql.defaultInstancePort) }
    }
}

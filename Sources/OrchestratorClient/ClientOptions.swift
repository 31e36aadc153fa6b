/// What `orchestrator -c COMMAND ...` was asked, with orchestrator-client's flags and defaults.
public struct ClientOptions: Sendable, Equatable {
    public var command: String
    /// `-i host[:port]`.
    public var instance = ""
    /// `-d host[:port]`: the destination (designated new primary for takeovers).
    public var destination = ""
    /// `-a alias`: a cluster alias, used instead of `-i` where a cluster is meant.
    public var alias = ""
    public var owner = ""
    public var reason = ""
    /// `--duration`, orchestrator-client's default "10m".
    public var duration = "10m"
    public var promotionRule = ""
    /// `-path` for `-c api`.
    public var path = ""
    /// The port a `-i host` without one gets. PostgreSQL's, not upstream's 3306.
    public var defaultPort = 5432

    public init(command: String) { self.command = command }
}

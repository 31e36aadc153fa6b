/// The roles every test topology has. The passwords are test-only and exist so that tests
/// exercise password authentication (and check passwords never leak into logs or hooks).
public enum TestCredentials {
    /// Superuser the daemon logs in as (`PostgreSQLTopologyUser`).
    public static let user = "orchestrator"
    public static let password = "orc-test-secret"
    /// Role the standbys stream with.
    public static let replicationUser = "replicator"
    public static let replicationPassword = "repl-test-secret"
}

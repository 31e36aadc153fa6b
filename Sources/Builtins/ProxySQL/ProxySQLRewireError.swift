/// Why a ProxySQL rewire or drain of one endpoint did not finish. Errors are values in the
/// report, not thrown: one endpoint failing never stops the others, nor the recovery.
public struct ProxySQLRewireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Extensible: new kinds of failure can be added without breaking callers that switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The request itself cannot be turned into safe SQL (a host name with characters
        /// ProxySQL's SQLite must not see, equal writer and reader hostgroups). Not retried.
        public static let invalidRequest = Code(name: "invalidRequest")
        /// No admin connection: refused, authentication failed, or no answer in time.
        public static let unreachable = Code(name: "unreachable")
        /// ProxySQL answered a statement with an error.
        public static let statementFailed = Code(name: "statementFailed")
        /// After `LOAD … TO RUNTIME`, `runtime_pgsql_servers` was not what the rewire asked for.
        public static let verificationFailed = Code(name: "verificationFailed")
        /// The endpoint's deadline passed before an attempt succeeded.
        public static let deadlinePassed = Code(name: "deadlinePassed")
        /// The calling task was cancelled.
        public static let cancelled = Code(name: "cancelled")
    }

    public var code: Code
    /// What went wrong and what to do about it; never contains the admin password.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

public import HookAPI
public import Host

/// What a rewire or drain did on one ProxySQL endpoint: every statement of every attempt with
/// ProxySQL's answer, the runtime servers before and after, and the outcome. Meant for the
/// recovery's steps; it holds no password (statements carry only hostgroups, host names,
/// ports, statuses and comments).
public struct ProxySQLRewireReport: Sendable, CustomStringConvertible {
    public enum Action: String, Sendable {
        /// Post-promotion: writer hostgroup := {new primary}, old primary fenced, readers set.
        case rewire
        /// Pre-failover: the old primary `OFFLINE_SOFT` in the writer hostgroup.
        case drain
    }

    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(ProxySQLRewireError)
    }

    /// The admin interface, `address:port`.
    public let endpoint: HostPort
    public let action: Action
    public internal(set) var outcome: Outcome
    /// In order; the last one decided the outcome.
    public internal(set) var attempts: [Attempt] = []
    /// `runtime_pgsql_servers` as the first attempt that got that far found it, before any change.
    public internal(set) var runtimeBefore: [ProxySQLServerRow]?
    /// `runtime_pgsql_servers` rows the verification read after `LOAD … TO RUNTIME`.
    public internal(set) var runtimeAfter: [ProxySQLServerRow]?

    init(endpoint: HostPort, action: Action, outcome: Outcome) {
        self.endpoint = endpoint
        self.action = action
        self.outcome = outcome
    }

    public var succeeded: Bool { outcome == .succeeded }

    /// The statements that ran, one per line with ProxySQL's answer, attempt by attempt.
    public var description: String {
        var lines = ["ProxySQL \(endpoint) \(action): \(outcomeText)"]
        for attempt in attempts {
            lines.append("attempt \(attempt.number)\(attempt.failure.map { " failed: \($0.message)" } ?? ": ok")")
            lines += attempt.statements.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private var outcomeText: String {
        switch outcome {
        case .succeeded: "succeeded"
        case .failed(let error): "failed (\(error))"
        }
    }

    /// One pass over the whole sequence, on one connection.
    public struct Attempt: Sendable {
        public let number: Int
        public internal(set) var statements: [StatementOutcome] = []
        /// Why this attempt stopped; nil when it went through.
        public internal(set) var failure: ProxySQLRewireError?

        init(number: Int) { self.number = number }
    }

    public struct StatementOutcome: Sendable, Equatable, CustomStringConvertible {
        public enum Result: Sendable, Equatable {
            /// ProxySQL's command tag: `INSERT 0 1`, `UPDATE 0`, `LOAD`, `SAVE`, `SELECT 2`, ...
            case ok(commandTag: String)
            case failed(message: String)
        }

        public let sql: String
        public let result: Result

        public var description: String {
            switch result {
            case .ok(let tag): "\(sql) -> \(tag)"
            case .failed(let message): "\(sql) -> ERROR \(message)"
            }
        }
    }
}

/// One row of `runtime_pgsql_servers`, as far as the rewire looks at it.
public struct ProxySQLServerRow: Sendable, Hashable, CustomStringConvertible {
    public let hostgroup: Int
    public let server: InstanceAddress
    /// `ONLINE`, `SHUNNED`, `OFFLINE_SOFT` or `OFFLINE_HARD` (upper-cased).
    public let status: String

    public init(hostgroup: Int, server: InstanceAddress, status: String) {
        self.hostgroup = hostgroup
        self.server = server
        self.status = status.uppercased()
    }

    public var description: String { "\(hostgroup) \(server) \(status)" }
}

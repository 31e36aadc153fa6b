public import HookAPI
public import Host
import PGClient

/// The built-in ProxySQL rewire: after a promotion, makes every configured ProxySQL route
/// writes to the new primary and never again to the old one; before a failover, optionally
/// drains the old primary. A plain API that a thin plugin adapter calls; it never throws and
/// never blocks a promotion for longer than each endpoint's `TimeoutSeconds`.
///
/// Per endpoint: one admin connection per attempt (libpq, simple query protocol only, one
/// statement per query, every literal through `SQLQuote`), the `ProxySQLRewirePlan` sequence,
/// and on any failure a retry of the whole idempotent sequence with exponential backoff until
/// the deadline. Endpoints are independent: `rewireAll` runs them concurrently, and a failing
/// or hanging one does not delay the others beyond their own deadlines.
public struct ProxySQLRewire: Sendable {
    /// Written into `comment` of the rows the rewire owns (`<tag>:writer`, `<tag>:fenced`,
    /// `<tag>:reader`), e.g. `orchestrator:<recovery id>`, so operators see who wrote a row.
    public var tag: String
    public var readerPolicy: ProxySQLRewirePlan.ReaderPolicy
    /// Values of the columns of the writer and fenced rows besides status and comment.
    public var attributes: ProxySQLRewirePlan.ServerAttributes
    public var retry: RetryPolicy
    /// Called after every attempt on every endpoint (from the endpoint's task), for logging
    /// and for tests that wait for a failed attempt.
    public var onAttempt: (@Sendable (HostPort, ProxySQLRewireReport.Attempt) -> Void)?

    /// Exponential backoff between attempts: 0.2 s doubling up to 5 s (docs/plugins.md,
    /// "Idempotency and retries").
    public struct RetryPolicy: Sendable {
        public var initialDelay: Duration
        public var maximumDelay: Duration
        /// Upper bound for one statement; the endpoint's remaining time bounds it further.
        public var statementTimeout: Duration
        public init(initialDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(5),
                    statementTimeout: Duration = .seconds(5)) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.statementTimeout = statementTimeout
        }
    }

    public init(tag: String = "orchestrator", readerPolicy: ProxySQLRewirePlan.ReaderPolicy = .newPrimaryOutOfReaders,
                attributes: ProxySQLRewirePlan.ServerAttributes = .init(), retry: RetryPolicy = .init(),
                onAttempt: (@Sendable (HostPort, ProxySQLRewireReport.Attempt) -> Void)? = nil) {
        self.tag = tag
        self.readerPolicy = readerPolicy
        self.attributes = attributes
        self.retry = retry
        self.onAttempt = onAttempt
    }

    /// Rewires one endpoint after `newPrimary` was promoted in place of `oldPrimary`.
    /// `standbys`: the other standbys, which belong ONLINE in the reader hostgroup (used only
    /// when the endpoint has `ReaderHostgroup`). Returns by `deadline` or the endpoint's
    /// `TimeoutSeconds`, whichever comes first.
    public func rewire(endpoint: ProxySQLEndpoint, newPrimary: InstanceAddress, oldPrimary: InstanceAddress, standbys: [InstanceAddress],
                       deadline: ContinuousClock.Instant? = nil) async -> ProxySQLRewireReport {
        let plan = Result { () throws(ProxySQLRewireError) in
            try ProxySQLRewirePlan.rewire(writerHostgroup: endpoint.writerHostgroup, readerHostgroup: endpoint.readerHostgroup,
                                          newPrimary: newPrimary, oldPrimary: oldPrimary, standbys: standbys, tag: tag,
                                          readerPolicy: readerPolicy, attributes: attributes)
        }
        return await run(plan, action: .rewire, on: endpoint, deadline: deadline)
    }

    /// Pre-failover drain of one endpoint: the old primary `OFFLINE_SOFT` in the writer hostgroup.
    public func drain(endpoint: ProxySQLEndpoint, oldPrimary: InstanceAddress, deadline: ContinuousClock.Instant? = nil) async -> ProxySQLRewireReport {
        let plan = Result { () throws(ProxySQLRewireError) in
            try ProxySQLRewirePlan.drain(writerHostgroup: endpoint.writerHostgroup, oldPrimary: oldPrimary)
        }
        return await run(plan, action: .drain, on: endpoint, deadline: deadline)
    }

    /// `rewire` on every endpoint at once; one report per endpoint, in the order given.
    public func rewireAll(endpoints: [ProxySQLEndpoint], newPrimary: InstanceAddress, oldPrimary: InstanceAddress, standbys: [InstanceAddress],
                          deadline: ContinuousClock.Instant? = nil) async -> [ProxySQLRewireReport] {
        await forEach(endpoints) { endpoint in
            await rewire(endpoint: endpoint, newPrimary: newPrimary, oldPrimary: oldPrimary, standbys: standbys, deadline: deadline)
        }
    }

    /// `drain` on every endpoint that has `PreFailoverDrain` set, at once; one report each.
    public func drainAll(endpoints: [ProxySQLEndpoint], oldPrimary: InstanceAddress, deadline: ContinuousClock.Instant? = nil) async -> [ProxySQLRewireReport] {
        await forEach(endpoints.filter(\.preFailoverDrain)) { endpoint in
            await drain(endpoint: endpoint, oldPrimary: oldPrimary, deadline: deadline)
        }
    }

    private func forEach(_ endpoints: [ProxySQLEndpoint],
                         _ body: @escaping @Sendable (ProxySQLEndpoint) async -> ProxySQLRewireReport) async -> [ProxySQLRewireReport] {
        await withTaskGroup(of: (Int, ProxySQLRewireReport).self) { group in
            for (i, endpoint) in endpoints.enumerated() {
                group.addTask { (i, await body(endpoint)) }
            }
            var reports = [ProxySQLRewireReport?](repeating: nil, count: endpoints.count)
            for await (i, report) in group { reports[i] = report }
            return reports.compactMap { $0 }
        }
    }

    // MARK: - One endpoint

    private func run(_ planned: Result<ProxySQLRewirePlan, ProxySQLRewireError>, action: ProxySQLRewireReport.Action,
                     on endpoint: ProxySQLEndpoint, deadline callerDeadline: ContinuousClock.Instant?) async -> ProxySQLRewireReport {
        var report = ProxySQLRewireReport(endpoint: endpoint.hostPort, action: action, outcome: .succeeded)
        let plan: ProxySQLRewirePlan
        switch planned {
        case .success(let p): plan = p
        case .failure(let error):
            report.outcome = .failed(error)
            return report
        }
        let ownDeadline = ContinuousClock.now + .seconds(endpoint.timeoutSeconds)
        let deadline = callerDeadline.map { min($0, ownDeadline) } ?? ownDeadline
        var delay = retry.initialDelay
        while true {
            var attempt = ProxySQLRewireReport.Attempt(number: report.attempts.count + 1)
            let failure = await attemptOnce(plan, on: endpoint, deadline: deadline, attempt: &attempt, report: &report)
            attempt.failure = failure
            report.attempts.append(attempt)
            onAttempt?(endpoint.hostPort, attempt)
            guard let failure else { return report }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if failure.code == .invalidRequest || failure.code == .cancelled || remaining <= .zero {
                report.outcome = .failed(final(failure, report: report, endpoint: endpoint))
                return report
            }
            do {
                try await Task.sleep(for: min(delay, remaining))
            } catch {
                report.outcome = .failed(ProxySQLRewireError(.cancelled, "cancelled after \(report.attempts.count) attempt(s); last: \(failure.message)"))
                return report
            }
            delay = min(delay * 2, retry.maximumDelay)
        }
    }

    /// The error the report ends with: past the deadline, say so and what is left to do.
    /// A last attempt cut short by the deadline says less than the one before it (a refused
    /// connection, a failed verification), so that one is named when there is one.
    private func final(_ last: ProxySQLRewireError, report: ProxySQLRewireReport, endpoint: ProxySQLEndpoint) -> ProxySQLRewireError {
        guard last.code != .invalidRequest, last.code != .cancelled else { return last }
        let failure = report.attempts.last { $0.failure.map { $0.code != .deadlinePassed } ?? false }?.failure ?? last
        return ProxySQLRewireError(.deadlinePassed,
            "ProxySQL \(endpoint.hostPort) was not updated within its deadline (TimeoutSeconds \(endpoint.timeoutSeconds), "
            + "\(report.attempts.count) attempt(s)); last failure (\(failure.code)): \(failure.message). It may still route "
            + "by its old configuration: \(Self.advice(failure.code)), then re-run the rewire")
    }

    private static func advice(_ code: ProxySQLRewireError.Code) -> String {
        switch code {
        case .statementFailed:
            "check that the admin user may change pgsql_servers and that this is a ProxySQL with PostgreSQL support (3.0 or later)"
        case .verificationFailed:
            "something else is changing its servers (another orchestrator, an operator, ProxySQL Cluster sync); "
                + "compare runtime_pgsql_servers with the report"
        default:
            "check that its PostgreSQL admin port is up and that Address, Port, User, Password and SSLMode are right"
        }
    }

    /// One connection, the whole sequence; nil when every statement and the verification passed.
    private func attemptOnce(_ plan: ProxySQLRewirePlan, on endpoint: ProxySQLEndpoint, deadline: ContinuousClock.Instant,
                             attempt: inout ProxySQLRewireReport.Attempt, report: inout ProxySQLRewireReport) async -> ProxySQLRewireError? {
        if Task.isCancelled { return ProxySQLRewireError(.cancelled, "cancelled") }
        let connection: PGConnection
        do {
            connection = try await PGConnection.connect(conninfo(endpoint), timeout: bounded(.seconds(endpoint.connectTimeoutSeconds), by: deadline))
        } catch {
            return Self.classify(error, deadline: deadline)
        }
        let failure = await runStatements(plan, on: connection, deadline: deadline, attempt: &attempt, report: &report)
        // Short-lived admin connections, as ProxySQL's own Orchestrator fork keeps them.
        await connection.close()
        return failure
    }

    private func runStatements(_ plan: ProxySQLRewirePlan, on connection: PGConnection, deadline: ContinuousClock.Instant,
                               attempt: inout ProxySQLRewireReport.Attempt, report: inout ProxySQLRewireReport) async -> ProxySQLRewireError? {
        for statement in plan.statements {
            let result: PGResult
            do throws(PGError) {
                guard let last = try await connection.simpleQuery(statement.sql, timeout: bounded(retry.statementTimeout, by: deadline)).last else {
                    throw PGError(.serverError, endpoint: connection.endpoint, operation: "query", message: "empty answer")
                }
                result = last
            } catch {
                attempt.statements.append(.init(sql: statement.sql, result: .failed(message: error.description)))
                return Self.classify(error, deadline: deadline)
            }
            attempt.statements.append(.init(sql: statement.sql, result: .ok(commandTag: result.commandTag)))
            switch statement.purpose {
            case .snapshot:
                // The first attempt's view: what was live before the rewire touched anything.
                if report.runtimeBefore == nil { report.runtimeBefore = Self.rows(result) }
            case .verify:
                let rows = Self.rows(result)
                report.runtimeAfter = rows
                if let problem = plan.problem(in: rows ?? []) ?? (rows == nil ? "unreadable runtime_pgsql_servers rows" : nil) {
                    return ProxySQLRewireError(.verificationFailed, "after LOAD PGSQL SERVERS TO RUNTIME: \(problem)")
                }
            case .change, .apply, .persist:
                break
            }
        }
        return nil
    }

    /// The admin connection, built like every other connection of the daemon (`PGConnectionSettings`):
    /// the endpoint's user, password, sslmode and connect timeout; ProxySQL ignores the database
    /// and knows no PostgreSQL session settings.
    func conninfo(_ endpoint: ProxySQLEndpoint) -> ConnInfo {
        let settings = PGConnectionSettings(user: endpoint.user, password: endpoint.password.value, sslMode: endpoint.sslMode.rawValue,
                                            database: "main", connectTimeout: .seconds(endpoint.connectTimeoutSeconds),
                                            queryTimeout: retry.statementTimeout, pinsSessionSettings: false)
        var info = settings.conninfo(host: endpoint.address, port: endpoint.port)
        info["connect_timeout"] = String(endpoint.connectTimeoutSeconds)
        return info
    }

    /// A timeout that fired because the endpoint's deadline came is not the endpoint's fault.
    private static func classify(_ error: PGError, deadline: ContinuousClock.Instant) -> ProxySQLRewireError {
        switch error.code {
        case .serverError: ProxySQLRewireError(.statementFailed, error.description)
        case .cancelled: ProxySQLRewireError(.cancelled, error.description)
        case .timeout where ContinuousClock.now >= deadline:
            ProxySQLRewireError(.deadlinePassed, "cut short by the deadline: \(error.description)")
        default: ProxySQLRewireError(.unreachable, error.description)
        }
    }

    private func bounded(_ limit: Duration, by deadline: ContinuousClock.Instant) -> Duration {
        max(.zero, min(limit, ContinuousClock.now.duration(to: deadline)))
    }

    /// ProxySQL sends every column as text; nil when a row does not parse.
    private static func rows(_ result: PGResult) -> [ProxySQLServerRow]? {
        var rows: [ProxySQLServerRow] = []
        for row in result.rows {
            guard let hostgroup = try? row.decode("hostgroup_id", as: Int.self), let host = try? row.decode("hostname", as: String.self),
                  let port = try? row.decode("port", as: Int.self), let status = try? row.decode("status", as: String.self) else { return nil }
            // Spelled as the daemon spells an instance (lower case, no quotes or brackets), so
            // that rows compare with the addresses recoveries give.
            let server = InstanceKey(host: host, port: port)
            rows.append(ProxySQLServerRow(hostgroup: hostgroup, server: InstanceAddress(host: server.host, port: server.port), status: status))
        }
        return rows
    }
}

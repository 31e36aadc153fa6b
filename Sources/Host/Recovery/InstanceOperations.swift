import Foundation
import HookAPI
import PGClient

/// The SQL a recovery runs on instances: wait for replay, promote, re-point a standby. Each
/// call opens its own connection (the topology credentials, which must be a superuser's:
/// `pg_promote` and `ALTER SYSTEM` need it) and closes it; every statement has a deadline.
struct InstanceOperations: Sendable {
    let connector: Connector
    /// Deadline of one statement.
    let statementTimeout: Duration

    init(connector: Connector, statementTimeout: Duration = .seconds(5)) {
        // The server-side statement_timeout and lock_timeout of these sessions follow it.
        self.connector = connector.withQueryTimeout(statementTimeout)
        self.statementTimeout = statementTimeout
    }

    func with<T: Sendable>(_ key: InstanceKey, _ body: (PGConnection) async throws -> T) async throws -> T {
        let connection = try await connector.connect(key)
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Positions of a standby, read now.
    struct StandbyState: Sendable {
        var inRecovery: Bool
        var receivedLSN: LSN?
        var replayLSN: LSN?
        var primaryConnInfo: String
        var primarySlotName: String
        var held: LSN { max(receivedLSN ?? LSN(0), replayLSN ?? LSN(0)) }
    }

    func standbyState(_ key: InstanceKey, on connection: PGConnection) async throws -> StandbyState {
        let row = try await connection.query("""
            SELECT pg_catalog.pg_is_in_recovery() AS in_recovery, pg_catalog.pg_last_wal_receive_lsn()::pg_catalog.text AS received,
                   pg_catalog.pg_last_wal_replay_lsn()::pg_catalog.text AS replayed,
                   pg_catalog.current_setting('primary_conninfo') AS conninfo,
                   pg_catalog.current_setting('primary_slot_name') AS slot
            """, timeout: statementTimeout).singleRow()
        return StandbyState(
            inRecovery: try row.decode("in_recovery", as: Bool.self),
            receivedLSN: try row.decodeIfPresent("received", as: LSN.self),
            replayLSN: try row.decodeIfPresent("replayed", as: LSN.self),
            primaryConnInfo: try row.decode("conninfo", as: String.self),
            primarySlotName: try row.decode("slot", as: String.self))
    }

    /// Who streams from `key` now, as its WAL senders see them (`application_name`,
    /// `client_addr`): the rows `StreamMatcher` proves standbys with.
    func walSenders(_ key: InstanceKey) async throws -> [InstanceProbe.ReplicationRow] {
        try await with(key) { connection in
            try await connection.query("""
                SELECT a.application_name AS name, pg_catalog.host(a.client_addr) AS address
                  FROM pg_catalog.pg_stat_get_wal_senders() w, LATERAL pg_catalog.pg_stat_get_activity(w.pid) a
                """, timeout: statementTimeout).rows.map { row in
                InstanceProbe.ReplicationRow(
                    applicationName: try row.decodeIfPresent("name", as: String.self) ?? "", clientAddress: try row.decodeIfPresent("address", as: String.self),
                    clientHostname: nil, state: nil, sentLSN: nil, flushLSN: nil, replayLSN: nil, syncState: nil, replayLagSeconds: nil)
            }
        }
    }

    /// Waits (bounded) until the standby replayed all it received, then promotes it with
    /// `pg_promote(true, timeout)` and checks it is writable, switching
    /// `default_transaction_read_only` off if it was on (a fenced ex-primary's leftover).
    /// Returns the WAL position at which it was promoted (its history forks there) and the
    /// steps taken.
    func promote(_ key: InstanceKey, replayWait: Duration, promoteTimeout: Duration,
                 step: @Sendable (String) async -> Void) async throws -> LSN {
        try await with(key) { connection in
            var state = try await standbyState(key, on: connection)
            guard state.inRecovery else { throw RecoveryError("\(key) is not in recovery: it is already a primary") }
            let waitUntil = ContinuousClock.now + replayWait
            while let received = state.receivedLSN, (state.replayLSN ?? LSN(0)) < received, ContinuousClock.now < waitUntil {
                try await Task.sleep(for: .milliseconds(10))
                state = try await standbyState(key, on: connection)
            }
            if let received = state.receivedLSN, (state.replayLSN ?? LSN(0)) < received {
                await step("\(key) had not replayed all it received within \(replayWait) (replayed \(state.replayLSN.map(\.description) ?? "none"), received \(received)); pg_promote replays the rest")
            }
            let forkPoint = state.held
            let seconds = max(1, Int(promoteTimeout.components.seconds))
            await step("promoting \(key) with pg_promote(true, \(seconds)) at \(forkPoint)")
            let promoted = try await longStatement(connection, "SELECT pg_catalog.pg_promote(true, $1::pg_catalog.int4) AS done",
                                                   [String(seconds)], timeout: promoteTimeout + .seconds(2)).singleRow()
            guard try promoted.decode("done", as: Bool.self) else {
                throw RecoveryError("pg_promote on \(key) did not finish within \(seconds) s; check its log")
            }
            try await makeWritable(key, connection, step: step)
            // It kept receiving until pg_promote stopped its WAL receiver, and replayed all of
            // it into the old timeline: the new one forks at the end of that, which these
            // (frozen since the promotion) report.
            let after = try await connection.query(
                "SELECT pg_catalog.pg_last_wal_receive_lsn()::pg_catalog.text AS received, pg_catalog.pg_last_wal_replay_lsn()::pg_catalog.text AS replayed",
                timeout: statementTimeout).singleRow()
            let received = try after.decodeIfPresent("received", as: LSN.self) ?? forkPoint
            let replayed = try after.decodeIfPresent("replayed", as: LSN.self) ?? forkPoint
            return max(forkPoint, received, replayed)
        }
    }

    private func makeWritable(_ key: InstanceKey, _ connection: PGConnection, step: @Sendable (String) async -> Void) async throws {
        let row = try await connection.query(
            "SELECT pg_catalog.pg_is_in_recovery() AS in_recovery, pg_catalog.current_setting('default_transaction_read_only')::pg_catalog.bool AS read_only",
            timeout: statementTimeout).singleRow()
        guard !(try row.decode("in_recovery", as: Bool.self)) else {
            throw RecoveryError("\(key) is still in recovery after pg_promote")
        }
        guard try row.decode("read_only", as: Bool.self) else { return }
        await step("\(key) had default_transaction_read_only on; switching it off")
        _ = try await connection.query("ALTER SYSTEM SET default_transaction_read_only = off", timeout: statementTimeout)
        _ = try await connection.query("SELECT pg_catalog.pg_reload_conf()", timeout: statementTimeout)
        // The reload reaches this session at its next statement; give the postmaster a moment.
        for _ in 0..<50 {
            let check = try await connection.query("SELECT pg_catalog.current_setting('default_transaction_read_only')::pg_catalog.bool AS read_only",
                                                    timeout: statementTimeout).singleRow()
            if !(try check.decode("read_only", as: Bool.self)) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RecoveryError("\(key) still has default_transaction_read_only on after ALTER SYSTEM and reload")
    }

    /// Points `standby` at `primary`: `primary_conninfo` keeps every parameter of its own
    /// (user, password or passfile, application_name, sslmode, ...) and changes only host and
    /// port; its replication slot, if it uses one, is created on `primary` first. Then it
    /// reloads and must be streaming from `primary` within `verifyTimeout`.
    /// `forkPoint`: where `primary`'s history forked from the old one; a standby that holds
    /// WAL past it diverged and cannot follow without `pg_rewind`.
    func repoint(_ standby: InstanceKey, to primary: InstanceKey, forkPoint: LSN?, verifyTimeout: Duration,
                 step: @Sendable (String) async -> Void) async throws {
        try await with(standby) { connection in
            let state = try await standbyState(standby, on: connection)
            guard state.inRecovery else { throw RecoveryError("\(standby) is not a standby (not in recovery)") }
            if let forkPoint, state.held > forkPoint {
                throw RecoveryError("\(standby) diverged: it holds WAL up to \(state.held), past \(primary)'s fork point \(forkPoint); rebuild it with pg_rewind or pg_basebackup")
            }
            var conninfo = try ConnInfo(parsing: state.primaryConnInfo)
            conninfo["hostaddr"] = nil
            conninfo["host"] = primary.host
            conninfo["port"] = String(primary.port)
            if !state.primarySlotName.isEmpty {
                try await ensureSlot(state.primarySlotName, on: primary)
                await step("replication slot \(state.primarySlotName) present on \(primary)")
            }
            if let problem = await hideStatementsFromServerLogs(connection) {
                await step("\(standby): \(problem)")
            }
            _ = try await connection.query("ALTER SYSTEM SET primary_conninfo = \(try SQLQuote.literal(conninfo.text))", timeout: statementTimeout)
            _ = try await connection.query("SELECT pg_catalog.pg_reload_conf()", timeout: statementTimeout)
            await step("\(standby): primary_conninfo now points at \(primary) (other parameters kept); reloaded")
            try await waitStreaming(standby, from: primary, connection, timeout: verifyTimeout)
        }
    }

    private func ensureSlot(_ name: String, on primary: InstanceKey) async throws {
        try await with(primary) { connection in
            do {
                _ = try await connection.query("SELECT pg_catalog.pg_create_physical_replication_slot($1::pg_catalog.name, true)", [name],
                                               timeout: statementTimeout)
            } catch let error as PGError where error.sqlState == "42710" {
                // duplicate_object: the slot is already there, which is all we need.
            }
        }
    }

    /// Waits until `standby`'s WAL receiver streams from `primary`, and with `timeline` given,
    /// receives that timeline (a node that cannot follow the new timeline keeps reconnecting
    /// and streaming the old one, reporting `streaming` between attempts).
    func waitStreaming(_ standby: InstanceKey, from primary: InstanceKey, _ connection: PGConnection, timeout: Duration,
                       timeline: Int? = nil) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "no WAL receiver"
        while ContinuousClock.now < deadline {
            let rows = try await connection.query(
                "SELECT status, sender_host, sender_port, received_tli FROM pg_catalog.pg_stat_wal_receiver", timeout: statementTimeout).rows
            if let row = rows.first {
                let status = try row.decodeIfPresent("status", as: String.self) ?? ""
                let host = try row.decodeIfPresent("sender_host", as: String.self)
                let port = try row.decodeIfPresent("sender_port", as: Int.self)
                let received = try row.decodeIfPresent("received_tli", as: Int.self)
                last = "WAL receiver \(status) from \(host ?? "?"):\(port.map(String.init) ?? "?") on timeline \(received.map(String.init) ?? "?")"
                if status == "streaming", let host, let port, InstanceKey(host: host, port: port) == primary,
                   timeline == nil || received == timeline { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RecoveryError("\(standby) is not streaming from \(primary)\(timeline.map { " on timeline \($0)" } ?? "") \(timeout) after the change (\(last)); check its log")
    }

    /// Runs one statement that may take longer than `statementTimeout`: the session's
    /// server-side `statement_timeout` and `lock_timeout` are raised to its client deadline for
    /// it and restored after.
    func longStatement(_ connection: PGConnection, _ sql: String, _ parameters: [String?] = [],
                       timeout: Duration) async throws -> PGResult {
        try await setServerTimeouts(connection, timeout)
        let result = try await connection.query(sql, parameters, timeout: timeout)
        try await setServerTimeouts(connection, statementTimeout)
        return result
    }

    private func setServerTimeouts(_ connection: PGConnection, _ timeout: Duration) async throws {
        _ = try await connection.query("""
            SELECT pg_catalog.set_config('statement_timeout', $1::pg_catalog.text, false),
                   pg_catalog.set_config('lock_timeout', $1::pg_catalog.text, false)
            """, [String(Connector.milliseconds(timeout))], timeout: statementTimeout)
    }

    /// Keeps the next statements of this session (an `ALTER SYSTEM SET primary_conninfo` that
    /// carries the standby's replication password) out of the server log, out of
    /// `pg_stat_statements` and out of `pg_stat_activity`, whatever the server's logging
    /// settings. `ALTER SYSTEM` cannot run in a transaction block, so these are session
    /// settings (the connection closes after the operation). Setting
    /// `pg_stat_statements.track_utility` when the extension is not loaded only creates a
    /// placeholder, which is harmless. A login that may not change these settings (not a
    /// superuser) gets a warning back, not a failure: the re-pointing matters more.
    func hideStatementsFromServerLogs(_ connection: PGConnection) async -> String? {
        let settings = [
            ("log_statement", "none"), ("log_min_error_statement", "panic"), ("log_min_duration_statement", "-1"),
            ("log_min_duration_sample", "-1"), ("log_transaction_sample_rate", "0"), ("debug_print_parse", "off"),
            ("debug_print_rewritten", "off"), ("debug_print_plan", "off"), ("track_activities", "off"),
            ("pg_stat_statements.track_utility", "off"),
        ]
        // Settings this server does not know (older majors) are skipped; dotted names are custom.
        do {
            _ = try await connection.query("""
            SELECT pg_catalog.set_config(s.name, s.value, false)
            FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[])) AS s(name, value)
            WHERE s.name OPERATOR(pg_catalog.~~) '%.%' OR s.name IN (SELECT p.name FROM pg_catalog.pg_settings p)
            """, ["{" + settings.map { $0.0 }.joined(separator: ",") + "}", "{" + settings.map { $0.1 }.joined(separator: ",") + "}"],
                                           timeout: statementTimeout)
            return nil
        } catch {
            return "could not keep the statement out of the server log (\(error)); its primary_conninfo may be logged"
        }
    }
}

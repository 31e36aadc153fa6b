import Foundation
import HookAPI
import PGClient

/// The SQL of a planned switchover and of a relocation: how far behind a standby is, fencing
/// the primary read-only (and undoing it), waiting for the standby to replay everything the
/// fenced primary wrote, checking a restarted node streams from where it should.
extension InstanceOperations {
    /// A standby's replay, read now.
    struct ReplayProgress: Sendable {
        var inRecovery: Bool
        var replayPaused: Bool
        /// Seconds since the last replayed commit, 0 when it replayed all it received.
        var lagSeconds: Double?
        var replayLSN: LSN?
    }

    func replayProgress(_ key: InstanceKey) async throws -> ReplayProgress {
        try await with(key) { connection in
            let row = try await connection.query("""
                SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
                       CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END AS paused,
                       pg_catalog.pg_last_wal_receive_lsn()::pg_catalog.text AS received,
                       pg_catalog.pg_last_wal_replay_lsn()::pg_catalog.text AS replayed,
                       extract(epoch FROM pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp())::float8 AS since_replay
                """, timeout: statementTimeout).singleRow()
            let received = try row.decodeIfPresent("received", as: LSN.self)
            let replayed = try row.decodeIfPresent("replayed", as: LSN.self)
            var lag = try row.decodeIfPresent("since_replay", as: Double.self).map { max(0, $0) }
            // Nothing left to replay: an idle primary makes the last replayed commit old, but
            // the standby is not behind.
            if let received, let replayed, replayed >= received { lag = 0 }
            return ReplayProgress(inRecovery: try row.decode("in_recovery", as: Bool.self),
                                  replayPaused: try row.decode("paused", as: Bool.self), lagSeconds: lag, replayLSN: replayed)
        }
    }

    /// Makes `primary` refuse writes: `default_transaction_read_only` on (persisted with
    /// `ALTER SYSTEM`, so a restart keeps it fenced) and reloaded, then every client session
    /// ended (not WAL senders, background workers or this session), waiting for each to exit
    /// so none commits later. Returns how many sessions were ended.
    func fenceReadOnly(_ primary: InstanceKey, step: @Sendable (String) async -> Void) async throws -> Int {
        try await with(primary) { connection in
            _ = try await connection.query("ALTER SYSTEM SET default_transaction_read_only = on", timeout: statementTimeout)
            _ = try await connection.query("SELECT pg_catalog.pg_reload_conf()", timeout: statementTimeout)
            try await waitForSetting(primary, connection, readOnly: true)
            await step("\(primary): default_transaction_read_only on (ALTER SYSTEM, reloaded)")
            // pg_terminate_backend is false for a session that ended by itself meanwhile:
            // what counts is that none of them is still there afterwards.
            let sweep = try await longStatement(connection, """
                WITH targets AS (SELECT pid FROM pg_catalog.pg_stat_activity
                                 WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid())
                SELECT pg_catalog.count(*) AS sessions,
                       coalesce(pg_catalog.array_agg(pid) FILTER (WHERE NOT pg_catalog.pg_terminate_backend(pid, 5000::pg_catalog.int8)),
                                '{}')::pg_catalog.text AS unconfirmed
                FROM targets
                """, timeout: .seconds(30)).singleRow()
            let sessions = try sweep.decode("sessions", as: Int.self)
            let unconfirmed = try sweep.decode("unconfirmed", as: String.self)
            let remaining = try await connection.query(
                "SELECT pg_catalog.count(*) AS n FROM pg_catalog.pg_stat_activity WHERE pid = ANY($1::pg_catalog.int4[]) AND backend_type = 'client backend'",
                [unconfirmed], timeout: statementTimeout).singleRow().decode("n", as: Int.self)
            guard remaining == 0 else {
                throw RecoveryError("\(primary): \(remaining) of \(sessions) client sessions did not end within 5 s of pg_terminate_backend")
            }
            await step("\(primary): \(sessions) client sessions ended")
            return sessions
        }
    }

    /// Undoes `fenceReadOnly`: `ALTER SYSTEM RESET default_transaction_read_only`, reload (the
    /// value of postgresql.conf applies again).
    func unfence(_ primary: InstanceKey) async throws {
        try await with(primary) { connection in
            _ = try await connection.query("ALTER SYSTEM RESET default_transaction_read_only", timeout: statementTimeout)
            _ = try await connection.query("SELECT pg_catalog.pg_reload_conf()", timeout: statementTimeout)
            try await waitForSetting(primary, connection, readOnly: false)
        }
    }

    /// A reload reaches a session at its next statement, after the postmaster handled it.
    private func waitForSetting(_ key: InstanceKey, _ connection: PGConnection, readOnly: Bool) async throws {
        for _ in 0..<250 {
            let row = try await connection.query("SELECT pg_catalog.current_setting('default_transaction_read_only')::pg_catalog.bool AS read_only",
                                                 timeout: statementTimeout).singleRow()
            if try row.decode("read_only", as: Bool.self) == readOnly { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RecoveryError("\(key): default_transaction_read_only is not \(readOnly ? "on" : "off") 5 s after the reload; check its log")
    }

    /// Waits until `standby` replayed every WAL record `primary` wrote (its current LSN, read
    /// again after each catch-up, since a fenced primary still writes a little WAL of its own).
    /// Returns the LSN both agree on.
    func catchUp(_ standby: InstanceKey, with primary: InstanceKey, timeout: Duration) async throws -> LSN {
        let deadline = ContinuousClock.now + timeout
        return try await with(primary) { primaryConnection in
            try await with(standby) { standbyConnection in
                var target = try await currentLSN(primaryConnection)
                var replayed = LSN(0)
                while ContinuousClock.now < deadline {
                    replayed = try await standbyState(standby, on: standbyConnection).replayLSN ?? LSN(0)
                    if replayed >= target {
                        let now = try await currentLSN(primaryConnection)
                        if now <= replayed { return replayed }
                        target = now
                        continue
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                throw RecoveryError("\(standby) replayed up to \(replayed), not \(primary)'s final LSN \(target), within \(timeout) "
                    + "(ReasonableMaintenanceReplicationLagSeconds); is its replay paused or its WAL receiver down?")
            }
        }
    }

    /// The timeline a primary writes now (from its WAL file name: pg_control's is only
    /// updated at the checkpoint after a promotion).
    private func currentTimeline(_ connection: PGConnection) async throws -> Int {
        let name = try await connection.query("SELECT pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()) AS f", timeout: statementTimeout)
            .singleRow().decode("f", as: String.self)
        guard let timeline = Int(name.prefix(8), radix: 16) else { throw RecoveryError("unexpected WAL file name \(name)") }
        return timeline
    }

    private func currentLSN(_ connection: PGConnection) async throws -> LSN {
        try await connection.query("SELECT pg_catalog.pg_current_wal_lsn()::pg_catalog.text AS lsn", timeout: statementTimeout).singleRow().decode("lsn", as: LSN.self)
    }

    /// Waits until `standby` is in recovery and streams `primary`'s current timeline from it,
    /// reconnecting while it restarts (after a demote step).
    func verifyStreaming(_ standby: InstanceKey, from primary: InstanceKey, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "not tried"
        while ContinuousClock.now < deadline {
            do {
                let timeline = try await with(primary) { try await currentTimeline($0) }
                try await with(standby) { connection in
                    guard try await standbyState(standby, on: connection).inRecovery else {
                        throw RecoveryError("\(standby) is not in recovery")
                    }
                    try await waitStreaming(standby, from: primary, connection, timeout: deadline - ContinuousClock.now, timeline: timeline)
                }
                return
            } catch {
                last = "\(error)"
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw RecoveryError("\(standby) does not stream from \(primary) within \(timeout): \(last)")
    }

    /// Drops `slot` on `key` once no standby uses it (after a standby moved away from `key`,
    /// whose WAL sender for it may take a moment to exit). Returns whether it was dropped;
    /// a slot still in use after `wait` is left alone.
    func dropInactiveSlot(_ slot: String, on key: InstanceKey, wait: Duration = .seconds(5)) async throws -> Bool {
        try await with(key) { connection in
            let deadline = ContinuousClock.now + wait
            while true {
                let rows = try await connection.query(
                    "SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = $1::pg_catalog.name AND slot_type = 'physical'", [slot],
                    timeout: statementTimeout).rows
                guard let row = rows.first else { return false }
                if !(try row.decode("active", as: Bool.self)) {
                    _ = try await connection.query("SELECT pg_catalog.pg_drop_replication_slot($1::pg_catalog.name)", [slot],
                                                   timeout: statementTimeout)
                    return true
                }
                guard ContinuousClock.now < deadline else { return false }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

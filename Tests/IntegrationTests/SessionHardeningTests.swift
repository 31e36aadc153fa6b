import Foundation
import HookAPI
@testable import Host
import PGClient
import PGTestKit
import Testing

/// Outcome 4 / F5, F10, F13, F20: the daemon's sessions to PostgreSQL cannot be subverted,
/// leave no backend behind, and keep the standby's password out of the server's log.
@Suite("Daemon sessions to PostgreSQL (search_path, timeouts, cancel, log hygiene)")
struct SessionHardeningTests {
    static func configuration(_ topology: PGTopology, extra: [String: Any] = [:]) throws -> Configuration {
        try DiscoveryFixture.configuration(seeds: topology.servers, extra: extra)
    }

    /// Client backends of the daemon (application_name `orchestrator`) other than `except`.
    static func daemonBackends(on server: PGServer, waitingOnLock: Bool = false) async throws -> Int {
        try await server.query("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE application_name = 'orchestrator' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND (NOT $1::bool OR wait_event_type = 'Lock')
            """, [String(waitingOnLock)]).singleRow().decode("n", as: Int.self)
    }

    @Test("functions planted in public by a non-superuser, and a database search_path put first, are never called by the daemon")
    func shadowFunctionInPublicIsNotCalled() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let primary = topology.primary
            // PostgreSQL <= 14's default: anyone may CREATE in public. The attacker plants
            // look-alikes that would turn itself superuser if the daemon's superuser ran them,
            // and (as a database owner could) puts public first on the database's search_path.
            _ = try await primary.query("CREATE ROLE mallory LOGIN")
            _ = try await primary.query("GRANT CREATE ON SCHEMA public TO PUBLIC")
            _ = try await primary.query("CREATE TABLE public.trap(what text)")
            _ = try await primary.query("GRANT INSERT ON public.trap TO PUBLIC")
            let connection = try await primary.connect()
            defer { Task { await connection.close() } }
            _ = try await connection.query("SET ROLE mallory", timeout: .seconds(5))
            let shadows = [
                ("pg_terminate_backend(integer, integer)", "boolean", "true"),
                ("pg_drop_replication_slot(text)", "boolean", "true"),
                ("pg_create_physical_replication_slot(text, boolean)", "boolean", "true"),
                ("pg_is_in_recovery()", "boolean", "true"),
                ("current_setting(text)", "text", "'x'"),
                ("pg_reload_conf()", "boolean", "true"),
            ]
            for (signature, returns, value) in shadows {
                let name = String(signature.prefix { $0 != "(" })
                _ = try await connection.query("""
                    CREATE FUNCTION public.\(signature) RETURNS \(returns) LANGUAGE plpgsql AS $f$
                    BEGIN
                      INSERT INTO public.trap VALUES ('\(name)');
                      BEGIN EXECUTE 'ALTER ROLE mallory SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
                      RETURN \(value);
                    END $f$
                    """, timeout: .seconds(5))
            }
            _ = try await connection.query("RESET ROLE", timeout: .seconds(5))
            _ = try await primary.query("ALTER DATABASE postgres SET search_path = public, pg_catalog")
            _ = try await primary.query("SELECT pg_create_physical_replication_slot('orc_shadow_test')")
            // A client session for the fence to end.
            let victim = try await primary.connect()
            defer { Task { await victim.close() } }

            let config = try Self.configuration(topology)
            let connector = Connector(config)
            let operations = InstanceOperations(connector: connector)
            // The probe (pg_is_in_recovery, current_setting), the fence (pg_terminate_backend,
            // pg_reload_conf), the slot drop (pg_drop_replication_slot).
            let prober = InstanceProber(key: primary.key, connector: connector)
            guard case .success(let probe, _) = await prober.probe() else {
                Issue.record("probe failed")
                return
            }
            await prober.close()
            #expect(probe.isPrimary)
            _ = try await operations.fenceReadOnly(primary.key) { _ in }
            try await operations.unfence(primary.key)
            #expect(try await operations.dropInactiveSlot("orc_shadow_test", on: primary.key))
            let session = try await connector.connect(primary.key)
            let path = try await session.query("SELECT current_setting('search_path') AS p, current_setting('standard_conforming_strings') AS s",
                                               timeout: .seconds(5)).singleRow()
            await session.close()
            #expect(try path.decode("p", as: String.self).filter { $0 != " " } == "pg_catalog,pg_temp")
            #expect(try path.decode("s", as: String.self) == "on")

            let trapped = try await primary.query("SELECT coalesce(string_agg(what, ','), '') AS w FROM public.trap").singleRow()
            #expect(try trapped.decode("w", as: String.self) == "", "the daemon ran planted functions")
            let superuser = try await primary.query("SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'").singleRow()
            #expect(try superuser.decode("rolsuper", as: Bool.self) == false)
        }
    }

    @Test("an alias query blocked by a lock ends at the probe deadline: no daemon backend stays waiting")
    func aliasQueryBlockedByLockLeavesNoBackend() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let primary = topology.primary
            _ = try await primary.query("CREATE SCHEMA meta")
            _ = try await primary.query("CREATE TABLE meta.cluster(alias text)")
            _ = try await primary.query("INSERT INTO meta.cluster VALUES ('payments')")
            let locker = try await primary.connect()
            defer { Task { await locker.close() } }
            _ = try await locker.query("BEGIN", timeout: .seconds(5))
            _ = try await locker.query("LOCK TABLE meta.cluster IN ACCESS EXCLUSIVE MODE", timeout: .seconds(5))

            let config = try Self.configuration(topology, extra: ["PostgreSQLProbeTimeoutSeconds": 1])
            let prober = InstanceProber(key: primary.key, connector: Connector(config), clusterAliasQuery: "SELECT alias FROM meta.cluster")
            for _ in 0..<3 {
                guard case .success(let probe, _) = await prober.probe() else {
                    Issue.record("a blocked alias query must not fail the probe")
                    break
                }
                #expect(probe.detectedClusterAlias == nil)
            }
            await prober.close()
            // Each timed-out alias query was cancelled (and the session's lock_timeout is the
            // probe deadline): none of the daemon's backends is still queued on the lock.
            try await eventually(timeout: .seconds(3)) { try await Self.daemonBackends(on: primary, waitingOnLock: true) == 0 }
            #expect(try await Self.daemonBackends(on: primary, waitingOnLock: true) == 0)
            _ = try await locker.query("ROLLBACK", timeout: .seconds(5))
        }
    }

    /// A primary killed between the probe query and the alias query (CI saw it) must keep its
    /// alias: `alias=` recovery filters and hook placeholders need it for that very failover.
    @Test("a failing alias query keeps the alias last detected; no row clears it")
    func failingAliasQueryKeepsTheLastAlias() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let primary = topology.primary
            _ = try await primary.query("CREATE SCHEMA meta")
            _ = try await primary.query("CREATE TABLE meta.cluster(alias text)")
            _ = try await primary.query("INSERT INTO meta.cluster VALUES ('payments')")
            let config = try Self.configuration(topology, extra: [:])
            let prober = InstanceProber(key: primary.key, connector: Connector(config), clusterAliasQuery: "SELECT alias FROM meta.cluster")
            defer { Task { await prober.close() } }
            func alias() async -> String?? {
                guard case .success(let probe, _) = await prober.probe() else { return .none }
                return .some(probe.detectedClusterAlias)
            }
            #expect(await alias() == .some("payments"))
            _ = try await primary.query("ALTER TABLE meta.cluster RENAME TO gone")
            #expect(await alias() == .some("payments"), "the alias query failed: the last alias stays")
            _ = try await primary.query("ALTER TABLE meta.gone RENAME TO cluster")
            _ = try await primary.query("DELETE FROM meta.cluster")
            #expect(await alias() == .some(nil), "no row: no alias")
        }
    }

    @Test("a statement given up at its client deadline is cancelled on the server (also without server-side timeouts)")
    func timedOutStatementIsCancelledOnServer() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let primary = topology.primary
            // The harness's own connection string: no options, no statement_timeout.
            var info = primary.conninfo()
            info["application_name"] = "cancel-test"
            let connection = try await PGConnection.connect(info, timeout: .seconds(5))
            let error = await #expect(throws: PGError.self) {
                try await connection.query("SELECT pg_sleep(60)", timeout: .milliseconds(500))
            }
            #expect(error?.code == .timeout)
            try await eventually(timeout: .seconds(3)) {
                try await primary.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'cancel-test'")
                    .singleRow().decode("n", as: Int.self) == 0
            }
        }
    }

    @Test("re-pointing a standby keeps its replication password out of the server log and pg_stat_statements")
    func standbyPasswordNotInServerLog() async throws {
        let statements = (try? PGInstallation.underTest()).map { FileManager.default.fileExists(atPath: "\($0.binDirectory)/../lib/pg_stat_statements.so") } ?? false
        var settings = ["log_statement": "'all'", "log_min_duration_statement": "0", "log_min_error_statement": "'info'"]
        if statements {
            settings["shared_preload_libraries"] = "'pg_stat_statements'"
            settings["pg_stat_statements.track_utility"] = "on"
        }
        try await PGTopology.with(TopologySpec(standbys: 1, settings: settings)) { topology in
            let primary = topology.primary
            let standby = topology.standbys[0]
            if statements { _ = try await primary.query("CREATE EXTENSION pg_stat_statements") }
            try await RecoveryFixture.waitUntilStreaming(standby, from: primary)
            let before = try await standby.query("SELECT current_setting('primary_conninfo') AS c").singleRow().decode("c", as: String.self)
            #expect(before.contains(TestCredentials.replicationPassword), "the harness standby streams with a password")

            let operations = InstanceOperations(connector: Connector(try Self.configuration(topology)))
            let steps = StepLog()
            try await operations.repoint(standby.key, to: primary.key, forkPoint: nil, verifyTimeout: .seconds(30)) { await steps.add($0) }
            let lines = await steps.lines
            #expect(lines.allSatisfy { !$0.contains("could not keep") }, "\(lines)")
            let log = try String(contentsOfFile: "\(standby.dataDirectory)/server.log", encoding: .utf8)
            #expect(log.contains("primary_slot_name"), "log_statement=all is in effect (the daemon's first query is logged)")
            // The postmaster itself logs every setting a reload changes, with its value ("parameter
            // "primary_conninfo" changed to ..."): PostgreSQL offers no way around it but a
            // passfile (docs/security). Everything the session logs is the daemon's to control.
            let leaks = log.split(separator: "\n").filter {
                $0.contains(TestCredentials.replicationPassword) && !$0.contains("parameter \"primary_conninfo\" changed to")
            }
            #expect(leaks.isEmpty, "the replication password is in the standby's server log: \(leaks)")
            if statements {
                let tracked = try await standby.query(
                    "SELECT count(*) AS n FROM pg_stat_statements WHERE query LIKE '%' || $1 || '%'", [TestCredentials.replicationPassword])
                    .singleRow().decode("n", as: Int.self)
                #expect(tracked == 0, "the replication password is in pg_stat_statements")
            }
        }
    }
}

actor StepLog {
    private(set) var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}

import Foundation
import HookAPI
@testable import Host
import PGClient
import Testing

/// Values a monitored server, a plugin or a corrupt SQLite file can hand the daemon that used
/// to trap (review F17, F9's `orc.run` timeout, F20's GRDB subscripts): each must be discarded,
/// clamped or skipped, never crash the process.
@Suite("Hostile values: no trap from server data, plugin values or corrupt rows")
struct HostileValueTests {
    @Test("Int64(saturating:) clamps infinities and out-of-range values and maps NaN to 0")
    func saturatingConversionClamps() {
        #expect(Int64(saturating: .infinity) == .max)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: 0x1p63) == .max)
        #expect(Int64(saturating: -0x1p63) == .min)
        #expect(Int64(saturating: 1e300) == .max)
        #expect(Int64(saturating: 2.5) == 3)
        #expect(Int64(saturating: 2.5, rounding: .down) == 2)
        #expect(Int(saturating: -.infinity) == .min)
    }

    @Test("float8 text that is not a finite number does not decode as a Double", arguments: ["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "inf", "nan"])
    func nonFiniteTextIsNotADouble(text: String) {
        #expect(Double(pgText: text) == nil)
    }

    @Test("finite float8 text still decodes")
    func finiteTextDecodes() {
        #expect(Double(pgText: "1733100000.123456") == 1733100000.123456)
        #expect(Double(pgText: "-0") == 0)
    }

    /// One probe row as a server would answer `ProbeQuery.sql`, standby by default.
    private func probeRow(_ overrides: [String: String?] = [:]) -> PGRow {
        var values: [String: String?] = [
            "in_recovery": "t", "current_lsn": nil, "timeline": "1", "receive_lsn": "0/3000000", "replay_lsn": "0/2000000",
            "replay_ts": "1733100000", "now_ts": "1733100010", "replay_paused": "f",
            "wal_receiver": #"{"status":"streaming","senderHost":"10.0.0.1","senderPort":5432,"slotName":null,"receivedTimeline":1}"#,
            "replicas": "[]", "synchronous_standby_names": "", "primary_conninfo": "host=10.0.0.1 port=5432", "primary_slot_name": "",
            "cluster_name": "", "wal_receiver_timeout": "60s", "default_transaction_read_only": "off", "wal_log_hints": "on",
            "data_checksums": "off", "port": "5432",
        ]
        values.merge(overrides) { _, new in new }
        let columns = Array(values.keys)
        return PGResult(columns: columns, rows: [columns.map { values[$0]! }], commandTag: "SELECT 1").rows[0]
    }

    private let identity = ProbeQuery.Identity(versionNumber: 160002, version: "16.2", systemIdentifier: "7000", fingerprint: "f")

    @Test("a non-finite or absurd replay timestamp is discarded: the lag is unknown, not infinite", arguments: ["-Infinity", "Infinity", "NaN", "1e400", "-1e300", "garbage"])
    func absurdReplayTimestampIsDiscarded(replayTS: String) throws {
        let probe = try ProbeQuery.parse(probeRow(["replay_ts": replayTS]), identity: identity, endpoint: "x:5432")
        #expect(probe.lagSeconds == nil)
        #expect(probe.replayTimestamp == nil)
    }

    @Test("a probe's conninfo and WAL receiver, decoded once per change, follow every change; secrets never kept")
    func probeMemoFollowsChanges() throws {
        var memo = ProbeQuery.Memo()
        let first = try ProbeQuery.parse(probeRow(["primary_conninfo": "host=10.0.0.1 port=5432 password=s3cret"]),
                                         identity: identity, endpoint: "x:5432", memo: &memo)
        #expect(first.settings.conninfoHost == "10.0.0.1" && !first.settings.primaryConnInfo.contains("s3cret"))
        #expect(first.walReceiver?.status == "streaming")
        let second = try ProbeQuery.parse(probeRow(["primary_conninfo": "host=10.0.0.2 port=5433 password=s3cret", "wal_receiver": nil]),
                                          identity: identity, endpoint: "x:5432", memo: &memo)
        #expect(second.settings.conninfoHost == "10.0.0.2" && second.settings.conninfoPort == 5433)
        #expect(second.walReceiver == nil)
        let third = try ProbeQuery.parse(probeRow(["wal_receiver": #"{"status":"waiting"}"#]), identity: identity, endpoint: "x:5432", memo: &memo)
        #expect(third.walReceiver?.status == "waiting" && third.settings.conninfoHost == "10.0.0.1")
    }

    @Test("a finite replay timestamp still gives the lag")
    func finiteReplayTimestampGivesLag() throws {
        let probe = try ProbeQuery.parse(probeRow(), identity: identity, endpoint: "x:5432")
        #expect(probe.lagSeconds == 10)
    }

    @Test("a server clock that is not a plausible epoch fails the probe with a decoding error", arguments: ["Infinity", "NaN", "1e300"])
    func absurdServerClockFailsTheProbe(now: String) {
        #expect(throws: PGError.self) { try ProbeQuery.parse(probeRow(["now_ts": now]), identity: identity, endpoint: "x:5432") }
    }

    @Test("a replica row with an absurd replay lag keeps the row and drops the number")
    func absurdReplicaLagIsDiscarded() throws {
        let replicas = #"[{"applicationName":"s1","state":"streaming","replayLagSeconds":1e300},{"applicationName":"s2","replayLagSeconds":-2e15}]"#
        let probe = try ProbeQuery.parse(probeRow(["in_recovery": "f", "current_lsn": "FFFFFFFF/FFFFFFFF", "replicas": replicas]),
                                         identity: identity, endpoint: "x:5432")
        #expect(probe.replicas.map(\.applicationName) == ["s1", "s2"])
        #expect(probe.replicas.allSatisfy { $0.replayLagSeconds == nil })
        #expect(probe.currentLSN == LSN(UInt64.max))
    }

    @Test("an infinite or NaN lag that reaches the analyzer does not crash it", arguments: [Double.infinity, .nan, 1e300])
    func infiniteLagDoesNotCrashAnalyzer(lag: Double) {
        let scenario = AnalyzerScenario(nodes: [.init(name: "p", primary: true), .init(name: "s1", upstream: "p", lag: lag)])
        let found = scenario.analyze()
        // NaN compares false with the threshold: no finding; infinity and 1e300 lag.
        #expect(found == (lag.isNaN ? [] : ["StandbyLagging s1"]))
    }

    @Test("an infinite lag in the topology renders as JSON: instance, cluster info and the store")
    func infiniteLagRendersAndSaves() async throws {
        let scenario = AnalyzerScenario(nodes: [.init(name: "p", primary: true), .init(name: "s1", upstream: "p", lag: .infinity)])
        let snapshot = scenario.snapshot
        let view = TopologyView(snapshot: snapshot, configuration: Configuration())
        let standby = try #require(snapshot.records[AnalyzerScenario.key("s1")])
        #expect(InstanceStatus(standby, pollSeconds: 5).lagSeconds == .max)
        _ = try JSONEncoder().encode(view.allInstances)
        let name = try #require(view.clusterNames.first)
        #expect(view.clusterInfo(name).heuristicLag == .max)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backend = try Backend.open(path: "\(dir)/o.sqlite3")
        let records = Array(snapshot.records.values)
        // Saved (the standby without its unencodable snapshot), not failed: later saves work.
        try await backend.saveInstances(records, removed: [], roleChanges: [], clusterOf: [:])
        try await backend.saveInstances(records, removed: [], roleChanges: [], clusterOf: [:])
        #expect(try backend.count("SELECT count(*) FROM database_instance") == 2)
        #expect(try backend.loadInstances().map(\.key) == [AnalyzerScenario.key("p")])
    }

    private func withBackend(_ body: (Backend) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(try Backend.open(path: "\(dir)/o.sqlite3"))
    }

    @Test("a corrupt downtime row is skipped, the others still read")
    func corruptDowntimeRowIsSkipped() async throws {
        try await withBackend { backend in
            let good = Downtime(key: InstanceKey(host: "db1", port: 5432), owner: "ops", reason: "r", beganAt: Date(),
                                endsAt: Date().addingTimeInterval(3600))
            try await backend.beginDowntime(good)
            try backend.execute("""
                INSERT INTO database_instance_downtime(hostname, port, owner, reason, begin_timestamp, end_timestamp)
                VALUES ('db2', 5432, 'ops', 'r', 'not a date', '9999-12-31 00:00:00.000'),
                       ('db3', 'not a port', 'ops', 'r', '2026-01-01 00:00:00.000', '9999-12-31 00:00:00.000')
                """)
            let read = try await backend.activeDowntimes()
            #expect(read.map(\.key) == [good.key])
        }
    }

    @Test("a corrupt candidate registration row is skipped, the others still read")
    func corruptCandidateRowIsSkipped() async throws {
        try await withBackend { backend in
            let good = CandidateRegistration(key: InstanceKey(host: "db1", port: 5432), rule: .prefer, registeredAt: Date())
            try await backend.registerCandidate(good)
            try backend.execute("""
                INSERT INTO candidate_database_instance(hostname, port, promotion_rule, last_suggested)
                VALUES ('db2', 'x', 'prefer', '9999-12-31 00:00:00.000'), ('db3', 5432, 'sometimes', '9999-12-31 00:00:00.000')
                """)
            let read = try await backend.candidateRegistrations(since: Date().addingTimeInterval(-60))
            #expect(read.map(\.key) == [good.key])
        }
    }

    @Test("a corrupt recovery step row is skipped, the others still read")
    func corruptRecoveryStepIsSkipped() async throws {
        try await withBackend { backend in
            try await backend.addRecoveryStep("u1", "first")
            try backend.execute("INSERT INTO topology_recovery_step(recovery_uid, at, message) VALUES ('u1', 'yesterday-ish', 'bad')")
            try await backend.addRecoveryStep("u1", "last")
            #expect(try await backend.recoverySteps("u1").map(\.message) == ["first", "last"])
        }
    }

    /// Runs one Lua plugin's `analysis` handler and returns the reason it raises.
    private func luaReason(_ source: String) async throws -> String? {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let host = await loadedHost(pluginSettings(lua: [try scratch.write("t.lua", source)], timeoutSeconds: 5))
        let answer = await host.review(analysis: AnalysisEvent(code: "StandbyLagging", description: "lag",
                                                               instance: InstanceAddress(host: "db2", port: 5433), clusterName: "db1:5432", replicas: []))
        if case .raise(_, let reason) = answer { return String(reason.drop { $0 != ":" }.dropFirst(2)) }
        Issue.record("no raise: \(answer); \(host.status().plugins.first?.lastResult?.error ?? "")")
        return nil
    }

    @Test("orc.run with timeout = math.huge runs under the plugin timeout; NaN or negative is an error, not a crash")
    func runTimeoutHugeOrNaNDoesNotCrash() async throws {
        let reason = try await luaReason("""
            orc.on("analysis", function(ev)
              local huge = orc.run({"/bin/echo", "hi"}, {timeout = math.huge})
              local okNaN, errNaN = pcall(orc.run, {"/bin/echo", "hi"}, {timeout = 0/0})
              local okNeg = pcall(orc.run, {"/bin/echo", "hi"}, {timeout = -1})
              local okInf = pcall(orc.run, {"/bin/echo", "hi"}, {timeout = -math.huge})
              return {raise = "R", reason = string.format("%s|%s|%s|%s|%s", huge.stdout, tostring(okNaN),
                tostring(tostring(errNaN):find("options.timeout") ~= nil), tostring(okNeg), tostring(okInf))}
            end)
            """)
        #expect(reason == "hi\n|false|true|false|false")
    }
}

import Foundation
import HookAPI
@testable import Host
import PGClient
import Synchronization
import Testing

/// What the daemon believes about servers it did not configure itself: reported hosts,
/// identities after admission, lineage of promotion candidates, aliases from data.
@Suite("Trust in what monitored servers report")
struct TrustTests {
    let p = InstanceKey(host: "10.0.0.1", port: 5432)
    let s1 = InstanceKey(host: "10.0.0.2", port: 5432)
    let s2 = InstanceKey(host: "10.0.0.3", port: 5432)

    @Test("reported hosts with a leading '-', control characters or absurd length give no key",
          arguments: ["-oProxyCommand=x", "db\u{1}1", "db\n1", "a b", "", String(repeating: "h", count: 256)])
    func reportedHostIsValidated(host: String) {
        #expect(InstanceKey(reportedHost: host, port: 5432) == nil)
        #expect(InstanceKey(parsing: "\(host):5432", defaultPort: 5432) == nil)
    }

    @Test("plausible reported hosts are keys", arguments: ["db-1.example", "10.0.0.5", "::1", "'db1'"])
    func reportedHostAccepted(host: String) {
        #expect(InstanceKey(reportedHost: host, port: 5432) != nil)
        #expect(InstanceKey(reportedHost: host, port: 0) == nil)
    }

    @Test("a WAL sender naming a host with a leading '-' is no upstream")
    func dashHostIsNoUpstream() {
        var probe = Fixture.probe(primary: false, fingerprint: "s1", upstream: InstanceKey(host: "-x", port: 5432))
        probe.settings.conninfoHost = nil
        #expect(probe.upstream(defaultPort: 5432) == nil)
    }

    @Test("networks: addresses and CIDR ranges, IPv4-mapped IPv6 is IPv4")
    func networks() throws {
        let allowed = AllowedNetworks(parsing: ["10.0.0.0/8", "fd00::/8", "192.168.1.7"])
        for inside in ["10.1.2.3", "::ffff:10.9.9.9", "fd12::1", "192.168.1.7"] {
            #expect(allowed.allows(try #require(NetworkAddress(inside))), "\(inside)")
        }
        for outside in ["11.0.0.1", "127.0.0.1", "fe80::1", "192.168.1.8"] {
            #expect(!allowed.allows(try #require(NetworkAddress(outside))), "\(outside)")
        }
        #expect(AllowedNetworks().allows(try #require(NetworkAddress("203.0.113.9"))))
        #expect(Network("10.0.0.0/33") == nil && Network("db1/8") == nil && Network("10.0.0.0/x") == nil)
        #expect(try #require(Network("10.255.0.0/9")).contains(try #require(NetworkAddress("10.128.0.1"))))
        #expect(!(try #require(Network("10.255.0.0/9")).contains(try #require(NetworkAddress("10.127.0.1")))))
    }

    @Test("DiscoveryAllowedNetworks: invalid entries are refused at load time")
    func allowedNetworksConfig() throws {
        let good = try Configuration.parse(data: Data(#"{"DiscoveryAllowedNetworks": ["10.0.0.0/8"]}"#.utf8), source: "t.json", environment: [:])
        #expect(good.configuration.discovery.allowedNetworks == ["10.0.0.0/8"])
        #expect(throws: (any Error).self) {
            try Configuration.parse(data: Data(#"{"DiscoveryAllowedNetworks": ["db1"]}"#.utf8), source: "t.json", environment: [:])
        }
    }

    @Test("the connector refuses an address outside DiscoveryAllowedNetworks before any connection")
    func connectorRefusesOutsideAllowedNetworks() async {
        var connector = Connector(user: "u", password: "secret", sslMode: "disable")
        connector.allowedNetworks = AllowedNetworks(parsing: ["10.0.0.0/8"])
        do {
            _ = try await connector.connect(InstanceKey(host: "127.0.0.1", port: 9))
            Issue.record("connected outside the allowed networks")
        } catch {
            #expect(error.message.contains("outside DiscoveryAllowedNetworks"))
            #expect(error.message.contains("no connection was made"))
        }
    }

    @Test("changedSystemIdentifierIsQuarantined: out of the graph, no crawl, reported; a role change is not quarantined")
    func changedSystemIdentifierIsQuarantined() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"]), latency: 0, as: .anything)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        // Promoted: a legitimate change of role.
        _ = await state.recordSuccess(s1, probe: Fixture.probe(primary: true, fingerprint: "s1"), latency: 0)
        #expect(await state.record(s1)?.quarantine == nil)
        // Another history answers at s1's address.
        let actions = await state.recordSuccess(s1, probe: Fixture.probe(primary: true, system: "9999", fingerprint: "s1b", replicas: ["x"]), latency: 0)
        #expect(actions == [.analyse], "a quarantined instance's rows were crawled")
        let snapshot = await state.snapshot()
        #expect(snapshot.records[s1]?.quarantine?.reason.contains("9999") == true)
        #expect(snapshot.graph.nodes[s1] == nil)
        let codes = Analyzer.analyze(snapshot, .init()).map { "\($0.code.rawValue) \($0.instance)" }
        #expect(codes == ["InstanceQuarantined \(s1)"])
        // Forgotten, it may be admitted anew.
        await state.forget(s1)
        #expect(await state.admit(s1, probe: Fixture.probe(primary: true, system: "9999", fingerprint: "s1b"), latency: 0, as: .anything) == .added(s1))
    }

    @Test("a standby whose primary_conninfo goes wrong stays in its cluster under its last upstream")
    func lostUpstreamKeepsCluster() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"]), latency: 0, as: .anything)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        var wrong = Fixture.probe(primary: false, fingerprint: "s1", upstream: InstanceKey(host: "10.0.0.1", port: 6666), applicationName: "s1")
        wrong.walReceiver = nil
        _ = await state.recordSuccess(s1, probe: wrong, latency: 0)
        let snapshot = await state.snapshot()
        #expect(snapshot.graph.nodes[s1]?.upstream == p)
        #expect(snapshot.graph.nodes[s1]?.upstreamUnknown == true)
        #expect(snapshot.graph.clusterNames == [p.description])
        #expect(snapshot.records[s1]?.lastUpstream == p)
    }

    @Test("a standby admitted before its primary is attached when the primary joins, before its own next probe")
    func standbyAttachedWhenUpstreamJoins() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        #expect(await state.record(s1)?.lastUpstream == nil)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"]), latency: 0, as: .anything)
        #expect(await state.record(s1)?.lastUpstream == p)
        // Broken at once: it stays in p's cluster.
        var broken = Fixture.probe(primary: false, fingerprint: "s1", applicationName: "s1")
        broken.walReceiver = nil
        _ = await state.recordSuccess(s1, probe: broken, latency: 0)
        #expect(await state.snapshot().graph.nodes[s1]?.upstream == p)
    }

    @Test("candidateMustHaveStreamedFromFailedPrimary: another history, a later timeline, a quarantine or no proof of streaming rule a standby out")
    func candidateMustHaveStreamedFromFailedPrimary() {
        var primary = InstanceRecord(key: p, firstSeen: Date())
        primary.probe = Fixture.probe(primary: true, fingerprint: "p")
        primary.lastUpstream = InstanceKey(host: "10.0.0.7", port: 5432)
        func record(_ probe: InstanceProbe, quarantined: Bool = false, streamedFrom: InstanceKey? = InstanceKey(host: "10.0.0.1", port: 5432)) -> InstanceRecord {
            var record = InstanceRecord(key: s1, firstSeen: Date())
            record.probe = probe
            record.streamedFrom = streamedFrom.map { .init(upstream: $0, at: Date()) }
            if quarantined { record.quarantine = .init(reason: "changed", since: Date(), clusterName: "") }
            return record
        }
        let good = Fixture.probe(primary: false, fingerprint: "s1", upstream: p)
        #expect(CandidateSurvey.lineageProblem(record(good), failed: p, primary) == nil)
        let clone = Fixture.probe(primary: false, system: "8000", fingerprint: "s1", upstream: p)
        #expect(CandidateSurvey.lineageProblem(record(clone), failed: p, primary)?.contains("system identifier") == true)
        var ahead = good
        ahead.timeline = 3
        ahead.walReceiver?.receivedTimeline = 3
        #expect(CandidateSurvey.lineageProblem(record(ahead), failed: p, primary)?.contains("timeline 3") == true)
        #expect(CandidateSurvey.lineageProblem(record(good, quarantined: true), failed: p, primary)?.contains("quarantined") == true)
        // Its conninfo names the primary, but the primary never listed it.
        #expect(CandidateSurvey.lineageProblem(record(good, streamedFrom: nil), failed: p, primary)?.contains("never seen streaming") == true)
        #expect(CandidateSurvey.lineageProblem(record(good, streamedFrom: s2), failed: p, primary)?.contains("never seen streaming") == true)
        // Seen under the primary's own former upstream: a sibling from before its promotion.
        #expect(CandidateSurvey.lineageProblem(record(good, streamedFrom: primary.lastUpstream), failed: p, primary) == nil)
        // The picker never promotes it, whatever WAL it claims to hold.
        let choice = CandidatePicker.choose(from: [
            .init(key: s1, receivedLSN: LSN(UInt64.max), replayLSN: LSN(UInt64.max), foreignHistory: "system identifier 8000 is not the primary's 7000"),
            .init(key: s2, receivedLSN: LSN(100), replayLSN: LSN(100)),
        ])
        #expect(choice == .promote(s2))
    }

    @Test("streamProof: a standby is proven by its upstream's pg_stat_replication row (name and address), shared out, never copied",
          arguments: [
            // (rows as name@address, claimants as key-host/name, proven hosts)
            (["s1@10.0.0.2"], ["10.0.0.2/s1"], ["10.0.0.2"]),
            (["s1@10.0.0.9"], ["10.0.0.2/s1"], []),                           // the row came from elsewhere
            (["s1@10.0.0.2"], ["10.0.0.2/s2"], []),                           // another name
            (["s1@"], ["10.0.0.2/s1"], ["10.0.0.2"]),                         // a Unix socket: the name decides
            (["s1@10.0.0.2"], ["db-1/s1"], ["db-1"]),                         // a hostname is not resolved: the name decides
            (["walreceiver@10.0.0.2", "walreceiver@10.0.0.3"], ["db-1/walreceiver", "db-2/walreceiver"], ["db-1", "db-2"]),
            (["walreceiver@10.0.0.2"], ["db-1/walreceiver", "db-2/walreceiver"], []),    // one row, two claims
            (["s1@10.0.0.2"], ["10.0.0.2/s1", "10.0.0.2/s1"], []),            // an imitator proves neither
            (["s1@10.0.0.2", "s2@10.0.0.3"], ["10.0.0.2/s1", "10.0.0.3/s2", "10.0.0.4/liar"], ["10.0.0.2", "10.0.0.3"]),
          ])
    func streamProof(rows: [String], claimants: [String], proven: [String]) {
        let rows = rows.map { text in
            let parts = text.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
            return InstanceProbe.ReplicationRow(applicationName: parts[0], clientAddress: parts[1].isEmpty ? nil : parts[1], clientHostname: nil,
                                                state: "streaming", sentLSN: nil, flushLSN: nil, replayLSN: nil, syncState: "async", replayLagSeconds: nil)
        }
        // Two claimants may share a host: the port tells them apart.
        let claims = claimants.enumerated().map { i, text in
            let parts = text.split(separator: "/").map(String.init)
            return StreamMatcher.Claimant(key: InstanceKey(host: parts[0], port: 5432 + i), applicationName: parts[1], address: NetworkAddress(parts[0]))
        }
        #expect(Set(StreamMatcher.proven(claims, rows: rows).map(\.host)) == Set(proven))
    }

    @Test("streamedFrom: set from the primary's rows when a standby is admitted and at each probe; an impostor naming the primary gets none")
    func streamedFromRecordedByTopology() async {
        let state = TopologyState(defaultPort: 5432)
        let impostor = InstanceKey(host: "10.0.0.4", port: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"], replicaAddress: "10.0.0.2"), latency: 0, as: .anything)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        _ = await state.admit(impostor, probe: Fixture.probe(primary: false, fingerprint: "i", upstream: p, applicationName: "s9"), latency: 0, as: .anything)
        #expect(await state.record(s1)?.streamedFrom?.upstream == p)
        #expect(await state.record(impostor)?.streamedFrom == nil)
        // Seeded before its primary: proven by the primary's first probe.
        _ = await state.admit(s2, probe: Fixture.probe(primary: false, fingerprint: "s2", upstream: p, applicationName: "s2"), latency: 0, as: .anything)
        #expect(await state.record(s2)?.streamedFrom == nil)
        _ = await state.recordSuccess(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1", "s2"], replicaAddress: nil), latency: 0)
        #expect(await state.record(s2)?.streamedFrom?.upstream == p)
        #expect(await state.record(impostor)?.streamedFrom == nil)
    }

    @Test("otherPrimary: a clone sharing the system identifier does not block; a standby promoted behind our back does")
    func otherPrimaryScopedToGraph() {
        var records: [InstanceKey: InstanceRecord] = [:]
        func add(_ key: InstanceKey, _ probe: InstanceProbe, valid: Bool = true, lastUpstream: InstanceKey? = nil) {
            var record = InstanceRecord(key: key, firstSeen: Date())
            record.probe = probe
            record.lastCheckValid = valid
            record.lastUpstream = lastUpstream
            records[key] = record
        }
        let clone = InstanceKey(host: "10.9.0.1", port: 5432)
        add(p, Fixture.probe(primary: true, fingerprint: "p"), valid: false)
        add(s1, Fixture.probe(primary: false, fingerprint: "s1", upstream: p), lastUpstream: p)
        add(clone, Fixture.probe(primary: true, fingerprint: "clone"))
        func entry() -> AnalysisEntry {
            let snapshot = TopologySnapshot(records: records, graph: TopologyGraph(records: records, aliases: [:], defaultPort: 5432), aliases: [:])
            return Analyzer.analyze(snapshot, .init()).first { $0.instance == p }!
        }
        func snapshot() -> TopologySnapshot {
            TopologySnapshot(records: records, graph: TopologyGraph(records: records, aliases: [:], defaultPort: 5432), aliases: [:])
        }
        #expect(RecoveryGates.otherPrimary(for: entry(), in: snapshot()) == nil)
        // s1 promoted by someone else: it came from p's cluster.
        add(s1, Fixture.probe(primary: true, fingerprint: "s1"), lastUpstream: p)
        #expect(RecoveryGates.otherPrimary(for: entry(), in: snapshot()) == s1)
    }

    @Test("aliasClaimedByAnotherClusterIsRefused: a data alias naming another cluster is ignored for the later one")
    func aliasClaimedByAnotherClusterIsRefused() async {
        let q = InstanceKey(host: "10.0.0.8", port: 5432)
        let state = TopologyState(defaultPort: 5432)
        var first = Fixture.probe(primary: true, fingerprint: "p")
        first.detectedClusterAlias = "payments"
        _ = await state.admit(p, probe: first, latency: 0, as: .anything)
        try? await Task.sleep(for: .milliseconds(5))
        var second = Fixture.probe(primary: true, system: "8000", fingerprint: "q")
        second.detectedClusterAlias = "payments"
        _ = await state.admit(q, probe: second, latency: 0, as: .anything)
        let snapshot = await state.snapshot()
        let clusters = Configuration.Clusters()
        #expect(ClusterAliases.alias(of: p.description, in: snapshot, clusters: clusters) == "payments")
        #expect(ClusterAliases.alias(of: q.description, in: snapshot, clusters: clusters) == "")
        #expect(ClusterAliases.refusals(in: snapshot, clusters: clusters).map(\.cluster) == [q.description])
        // An alias spelled as another cluster's name is refused too.
        var third = Fixture.probe(primary: true, system: "8001", fingerprint: "r")
        third.detectedClusterAlias = p.description
        let r = InstanceKey(host: "10.0.0.9", port: 5432)
        _ = await state.admit(r, probe: third, latency: 0, as: .anything)
        #expect(ClusterAliases.alias(of: r.description, in: await state.snapshot(), clusters: clusters) == "")
        // A configured alias wins over the data one.
        var configured = Configuration.Clusters()
        configured.nameToAlias = [.init(pattern: "10\\.0\\.0\\.8", alias: "payments")]
        #expect(ClusterAliases.alias(of: p.description, in: snapshot, clusters: configured) == "")
        #expect(ClusterAliases.alias(of: q.description, in: snapshot, clusters: configured) == "payments")
    }

    @Test("the refusal map is pruned once refusals expire")
    func rejectedUntilIsPruned() async {
        let clock = TestClock()
        let state = TopologyState(defaultPort: 5432, now: { clock.now })
        for i in 0..<50 { await state.ignore(InstanceKey(host: "10.1.0.\(i)", port: 5432)) }
        #expect(await state.rejectedCount == 50)
        clock.advance(61)
        await state.pruneExpired()
        #expect(await state.rejectedCount == 0)
    }
}

/// A settable clock for the topology's `now`.
final class TestClock: Sendable {
    private let current = Mutex(Date())
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

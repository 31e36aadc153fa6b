import Foundation
import HookAPI
@testable import Host
import Synchronization
import Testing

@Suite("InstanceKey")
struct InstanceKeyTests {
    @Test("spellings of one address normalise to one key", arguments: [
        ("db1:5432", "db1", 5432), ("'db1':5432", "db1", 5432), ("\"DB1\":5433", "db1", 5433),
        ("[::1]:5432", "::1", 5432), ("10.0.0.5", "10.0.0.5", 5432), ("''pg-primary''", "pg-primary", 5432),
    ])
    func normalises(text: String, host: String, port: Int) throws {
        let key = try #require(InstanceKey(parsing: text, defaultPort: 5432))
        #expect(key.host == host)
        #expect(key.port == port)
    }

    @Test("malformed keys are refused", arguments: ["db1:0", "db1:70000", "db1:x", "", "a b:1", "db\u{0}1:5432",
                                                    String(repeating: "h", count: 400), "1:2:3"])
    func refuses(text: String) {
        #expect(InstanceKey(parsing: text, defaultPort: 5432) == nil)
    }
}

/// Builds probes without a server, for the pure parts of the topology.
enum Fixture {
    static func probe(primary: Bool, system: String = "7000", fingerprint: String, upstream: InstanceKey? = nil,
                      replicas: [String] = [], replicaAddress: String? = "10.0.0.9", applicationName: String = "") -> InstanceProbe {
        InstanceProbe(
            isPrimary: primary, versionNumber: 160002, version: "16.2", systemIdentifier: system, fingerprint: fingerprint,
            timeline: 1, currentLSN: primary ? LSN(100) : nil, receiveLSN: primary ? nil : LSN(100), replayLSN: primary ? nil : LSN(100),
            replayTimestamp: nil, lagSeconds: primary ? nil : 0, replayPaused: false,
            walReceiver: upstream.map { .init(status: "streaming", senderHost: $0.host, senderPort: $0.port, slotName: nil, receivedTimeline: 1) },
            replicas: replicas.map { .init(applicationName: $0, clientAddress: replicaAddress, clientHostname: nil, state: "streaming",
                                           sentLSN: nil, flushLSN: nil, replayLSN: nil, syncState: "async", replayLagSeconds: nil) },
            settings: .init(synchronousStandbyNames: "", primaryConnInfo: upstream.map { "host=\($0.host) port=\($0.port)" } ?? "",
                            primarySlotName: "", clusterName: applicationName, walReceiverTimeout: "60s",
                            defaultTransactionReadOnly: false, walLogHints: true, dataChecksums: false, port: 5432,
                            conninfoHost: upstream?.host, conninfoPort: upstream?.port, conninfoApplicationName: nil),
            probedAt: Date(), detectedClusterAlias: nil)
    }
}

@Suite("TopologyState: admission, aliases, crawl actions, graph")
struct TopologyStateTests {
    let p = InstanceKey(host: "10.0.0.1", port: 5432)
    let s1 = InstanceKey(host: "10.0.0.2", port: 5432)
    let s2 = InstanceKey(host: "10.0.0.3", port: 5432)

    @Test("a cascade: depth, upstream, downstream and one cluster named after the primary")
    func cascade() async {
        let state = TopologyState(defaultPort: 5432)
        #expect(await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"]), latency: 0, as: .anything) == .added(p))
        #expect(await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, replicas: ["s2"], applicationName: "s1"), latency: 0, as: .anything) == .added(s1))
        #expect(await state.admit(s2, probe: Fixture.probe(primary: false, fingerprint: "s2", upstream: s1, applicationName: "s2"), latency: 0, as: .anything) == .added(s2))
        let graph = await state.snapshot().graph
        #expect(graph.nodes[s2]?.depth == 2)
        #expect(graph.nodes[s2]?.upstream == s1)
        #expect(graph.nodes[p]?.downstream == [s1])
        #expect(graph.clusterNames == ["10.0.0.1:5432"])
    }

    @Test("the same server under another spelling becomes an alias, not a second instance")
    func fingerprintAlias() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "same"), latency: 0, as: .anything)
        let other = InstanceKey(host: "pg-primary", port: 5432)
        #expect(await state.admit(other, probe: Fixture.probe(primary: true, fingerprint: "same"), latency: 0, as: .anything) == .alias(of: p))
        #expect(await state.keys == [p])
        #expect(await state.canonical(other) == p)
    }

    @Test("a guessed downstream that is not a standby of this primary is rejected (no phantom)")
    func phantomRejected() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p"), latency: 0, as: .anything)
        let guess = InstanceKey(host: "10.0.0.9", port: 5432)
        let unrelated = Fixture.probe(primary: true, system: "other", fingerprint: "x")
        guard case .rejected = await state.admit(guess, probe: unrelated, latency: 0, as: .downstreamOf(p, systemIdentifier: "7000")) else {
            Issue.record("phantom admitted")
            return
        }
        #expect(await state.shouldDiscover(guess) == false)
        let wrongUpstream = Fixture.probe(primary: false, fingerprint: "y", upstream: s2)
        guard case .rejected = await state.admit(s1, probe: wrongUpstream, latency: 0, as: .downstreamOf(p, systemIdentifier: "7000")) else {
            Issue.record("a standby of another upstream admitted")
            return
        }
        guard case .rejected = await state.admit(s2, probe: unrelated, latency: 0, as: .upstreamOf(systemIdentifier: "7000")) else {
            Issue.record("another cluster's server admitted as upstream")
            return
        }
    }

    @Test("the crawl asks for unknown upstreams and for replication rows no known standby explains")
    func crawlActions() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        let fromStandby = await state.recordSuccess(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0)
        #expect(fromStandby == [.discover(p, .upstreamOf(systemIdentifier: "7000"))])
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p"), latency: 0, as: .anything)
        let fromPrimary = await state.recordSuccess(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1", "s9"]), latency: 0)
        // "s1" is explained by the known standby; "s9" is not.
        // (Its replication rows changed: the analysis is asked to look too.)
        #expect(fromPrimary == [.discover(InstanceKey(host: "10.0.0.9", port: 5432), .downstreamOf(p, systemIdentifier: "7000", clientAddress: "10.0.0.9")), .analyse])
    }

    @Test("an application_name of the form host:port is tried first, then the address at the default port")
    func advertisedPort() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p"), latency: 0, as: .anything)
        let actions = await state.recordSuccess(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["db7.example:6543"]), latency: 0)
        #expect(actions == [
            .discover(InstanceKey(host: "db7.example", port: 6543), .downstreamOf(p, systemIdentifier: "7000", clientAddress: "10.0.0.9")),
            .discover(InstanceKey(host: "10.0.0.9", port: 5432), .downstreamOf(p, systemIdentifier: "7000", clientAddress: "10.0.0.9")),
            .analyse,
        ])
        // A discovery in flight is not asked for again by the next probe.
        let again = await state.recordSuccess(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["db7.example:6543"]), latency: 0)
        #expect(again.isEmpty)
    }

    @Test("losing a valid instance asks for its neighbours to be re-probed, once")
    func lossReprobesNeighbours() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p", replicas: ["s1"]), latency: 0, as: .anything)
        _ = await state.admit(s1, probe: Fixture.probe(primary: false, fingerprint: "s1", upstream: p, applicationName: "s1"), latency: 0, as: .anything)
        #expect(await state.recordFailure(p, error: "gone", latency: 1) == [.reprobe(s1), .analyse])
        #expect(await state.recordFailure(p, error: "gone", latency: 1) == [])
        let record = await state.record(p)
        #expect(record?.consecutiveFailures == 2)
        #expect(record?.lastCheckValid == false)
        #expect(record?.probe != nil)
    }

    @Test("a standby keeps its place when its WAL receiver stops (primary_conninfo still names the primary)")
    func receiverStopped() async {
        let state = TopologyState(defaultPort: 5432)
        _ = await state.admit(p, probe: Fixture.probe(primary: true, fingerprint: "p"), latency: 0, as: .anything)
        var stopped = Fixture.probe(primary: false, fingerprint: "s1", upstream: p)
        stopped.walReceiver = nil
        _ = await state.admit(s1, probe: stopped, latency: 0, as: .anything)
        #expect(await state.snapshot().graph.nodes[s1]?.upstream == p)
    }
}

@Suite("TopologyState: forgetting")
struct TopologyForgetTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        func advance(hours: Double) { now.withLock { $0 = $0.addingTimeInterval(hours * 3600) } }
    }

    @Test("instances unseen for UnseenInstanceForgetHours are forgotten; seen ones are kept")
    func forgetUnseen() async {
        let clock = Clock()
        let state = TopologyState(defaultPort: 5432, now: { clock.now.withLock { $0 } })
        let a = InstanceKey(host: "a", port: 5432)
        let b = InstanceKey(host: "b", port: 5432)
        _ = await state.admit(a, probe: Fixture.probe(primary: true, fingerprint: "a"), latency: 0, as: .anything)
        _ = await state.admit(b, probe: Fixture.probe(primary: true, system: "2", fingerprint: "b"), latency: 0, as: .anything)
        clock.advance(hours: 3)
        _ = await state.recordSuccess(b, probe: Fixture.probe(primary: true, system: "2", fingerprint: "b"), latency: 0)
        _ = await state.recordFailure(a, error: "down", latency: 0)
        #expect(await state.forgetUnseen(olderThan: 4).isEmpty)
        clock.advance(hours: 2)
        #expect(await state.forgetUnseen(olderThan: 4) == [a])
        #expect(await state.keys == [b])
        let changes = await state.takeChanges()
        #expect(changes.removed == [a])
    }
}

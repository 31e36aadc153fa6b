import Foundation
import Host
import PGClient
import PGTestKit
import Testing

@Suite("Discovery and probing (loopback, every server on its own port)")
struct DiscoveryTests {
    @Test("seeding every server of mixed ports: one cluster, right roles, no phantom :5432 instances")
    func mixedPortsSeedEach() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: topology.servers)
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "three instances in one cluster") { s in
                    s.records.count == 3 && s.graph.clusterNames == [topology.primary.key.description]
                }
                // Let the crawl follow pg_stat_replication for a few polls: its guesses
                // (127.0.0.1:5432) must be rejected, never recorded.
                try await Task.sleep(for: .seconds(2))
                let snapshot = await service.state.snapshot()
                #expect(Set(snapshot.records.keys) == Set(topology.servers.map(\.key)))
                let primary = try #require(snapshot.records[topology.primary.key])
                #expect(primary.isPrimary)
                #expect(snapshot.graph.nodes[topology.primary.key]?.depth == 0)
                #expect(snapshot.graph.nodes[topology.primary.key]?.downstream == topology.standbys.map(\.key).sorted())
                for standby in topology.standbys {
                    let node = try #require(snapshot.graph.nodes[standby.key])
                    #expect(node.upstream == topology.primary.key)
                    #expect(node.depth == 1)
                    #expect(snapshot.records[standby.key]?.probe?.isReplicating == true)
                }
            }
        }
    }

    @Test("a standby on another port that advertises host:port as application_name is found from the primary")
    func advertisedListenPort() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let advertising = topology.standbys[0]
            let conninfo = "host=\(topology.primary.host) port=\(topology.primary.port) user=\(TestCredentials.replicationUser) password=\(TestCredentials.replicationPassword) application_name=\(advertising)"
            try await advertising.query("ALTER SYSTEM SET primary_conninfo = \(try SQLQuote.literal(conninfo))")
            try await advertising.query("SELECT pg_reload_conf()")
            for _ in 0..<300 {
                let names = try await topology.primary.query("SELECT application_name FROM pg_stat_replication").rows
                    .compactMap { try? $0.decode("application_name", as: String.self) }
                if names.contains(advertising.description) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let config = try DiscoveryFixture.configuration(seeds: [topology.primary])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "the advertising standby is found") { s in
                    s.graph.nodes[advertising.key]?.upstream == topology.primary.key
                }
                try await Task.sleep(for: .seconds(2))
                // The other standby advertises nothing and listens on another port: not found,
                // and no guess at :5432 was recorded.
                #expect(Set(await service.state.keys) == [topology.primary.key, advertising.key])
            }
        }
    }

    @Test("seed only a leaf standby: its upstream is found by walking up")
    func walkUpFromStandby() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1, cascadingFrom: [0])) { topology in
            let leaf = topology.cascaded[0]
            let config = try DiscoveryFixture.configuration(seeds: [leaf])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "leaf, its upstream and the primary are known") { s in
                    s.records.count == 3 && s.graph.nodes[leaf.key]?.depth == 2
                }
                let snapshot = await service.state.snapshot()
                #expect(snapshot.graph.nodes[leaf.key]?.upstream == topology.standbys[0].key)
                #expect(snapshot.graph.nodes[topology.standbys[0].key]?.upstream == topology.primary.key)
                #expect(snapshot.graph.clusterNames == [topology.primary.key.description])
            }
        }
    }

    @Test("a primary_conninfo naming the primary as 'localhost' (quoted) does not split the cluster")
    func quotedHostSameServer() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let standby = topology.standbys[0]
            // The same server under another spelling, quoted as pg_basebackup writes it.
            let conninfo = "host='localhost' port=\(topology.primary.port) user=\(TestCredentials.replicationUser) password=\(TestCredentials.replicationPassword) application_name=\(standby.name)"
            try await standby.query("ALTER SYSTEM SET primary_conninfo = \(try SQLQuote.literal(conninfo))")
            try await standby.query("SELECT pg_reload_conf()")
            try await waitForSender(standby, host: "localhost")
            let config = try DiscoveryFixture.configuration(seeds: [standby])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "the standby's upstream is known") { s in
                    s.graph.nodes[standby.key]?.depth == 1
                }
                try await Task.sleep(for: .seconds(2))
                let snapshot = await service.state.snapshot()
                #expect(snapshot.records.count == 2)
                #expect(snapshot.graph.clusterNames.count == 1)
                // Kept under the spelling discovered first; the other is an alias.
                let upstream = try #require(snapshot.graph.nodes[standby.key]?.upstream)
                #expect(upstream == InstanceKey(host: "localhost", port: topology.primary.port))
                #expect(await service.state.canonical(topology.primary.key) == upstream || snapshot.records[topology.primary.key] == nil)
            }
        }
    }

    @Test("two independent clusters stay two clusters")
    func twoClusters() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { first in
            try await PGTopology.with(TopologySpec(standbys: 1)) { second in
                let config = try DiscoveryFixture.configuration(seeds: first.servers + second.servers)
                try await DiscoveryFixture.run(config) { service in
                    try await DiscoveryFixture.waitUntil(service, "two clusters of two") { s in
                        s.records.count == 4 && s.graph.clusterNames.count == 2
                    }
                    let snapshot = await service.state.snapshot()
                    #expect(snapshot.graph.clusterNames == [first.primary.key.description, second.primary.key.description].sorted())
                    #expect(snapshot.graph.members(of: first.primary.key.description) == first.servers.map(\.key).sorted())
                    let ids = Set(snapshot.records.values.compactMap { $0.probe?.systemIdentifier })
                    #expect(ids.count == 2)
                }
            }
        }
    }

    @Test("a stopped instance is invalid at once, not at its next poll; restarted, it is valid again")
    func stopAndRestart() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let standby = topology.standbys[0]
            // A poll every 60 s: only the closed connection can tell the poller in time.
            let config = try DiscoveryFixture.configuration(seeds: topology.servers, extra: ["InstancePollSeconds": 60])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "both valid") { s in
                    s.records.count == 2 && s.records.values.allSatisfy(\.lastCheckValid)
                }
                await standby.stop()
                try await DiscoveryFixture.waitUntil(service, timeout: .seconds(30), "the standby is invalid before its next poll") { s in
                    s.records[standby.key]?.lastCheckValid == false
                }
                let record = try #require(await service.state.record(standby.key))
                #expect(record.consecutiveFailures >= 1)
                #expect(record.lastError?.isEmpty == false)
                try await standby.start()
                service.reprobe(standby.key)
                try await DiscoveryFixture.waitUntil(service, timeout: .seconds(30), "the standby is valid again") { s in
                    s.records[standby.key]?.lastCheckValid == true
                }
            }
        }
    }

    @Test("a frozen instance never stalls probing of the others")
    func frozenInstance() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let frozen = topology.standbys[0]
            let config = try DiscoveryFixture.configuration(seeds: topology.servers)
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "all valid") { s in
                    s.records.count == 3 && s.records.values.allSatisfy(\.lastCheckValid)
                }
                frozen.freeze()
                defer { frozen.thaw() }
                try await DiscoveryFixture.waitUntil(service, timeout: .seconds(10), "the frozen one is invalid") { s in
                    s.records[frozen.key]?.lastCheckValid == false
                }
                let before = await service.state.snapshot()
                try await Task.sleep(for: .seconds(3))
                let after = await service.state.snapshot()
                for server in [topology.primary, topology.standbys[1]] {
                    let earlier = try #require(before.records[server.key]?.lastChecked)
                    let later = try #require(after.records[server.key]?.lastChecked)
                    // At 1 s polls, 3 s later the others were checked again, and are valid.
                    #expect(later > earlier)
                    #expect(after.records[server.key]?.lastCheckValid == true)
                }
            }
        }
    }

    @Test("a daemon restart reloads what it knew and resumes polling; forget drops it")
    func restartAndForget() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            var config = try DiscoveryFixture.configuration(seeds: topology.servers)
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "both known") { $0.records.count == 2 }
            }
            config.discovery.seeds = []
            let restartedAt = Date()
            try await DiscoveryFixture.run(config) { service in
                let reloaded = await service.state.keys
                #expect(reloaded == topology.servers.map(\.key).sorted(), "reloaded \(reloaded)")
                try await DiscoveryFixture.waitUntil(service, "polled again after the restart") { s in
                    s.records.values.allSatisfy { ($0.lastChecked ?? .distantPast) > restartedAt && $0.lastCheckValid }
                }
                #expect(await service.forget(topology.standbys[0].key))
                #expect(await service.state.keys == [topology.primary.key])
                #expect(await service.forgetCluster(topology.primary.key.description) == [topology.primary.key])
                #expect(await service.state.keys.isEmpty)
            }
            try await DiscoveryFixture.run(config) { service in
                #expect(await service.state.keys.isEmpty)
            }
        }
    }

    @Test("DiscoveryIgnoreHostnameFilters keeps matching hosts out")
    func ignoreFilter() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: [], extra: ["DiscoveryIgnoreHostnameFilters": ["^127\\.0\\.0\\.1$"]])
            try await DiscoveryFixture.run(config) { service in
                let result = await service.discover(topology.primary.key, as: .anything)
                guard case .failure(let error) = result else {
                    Issue.record("an ignored host was discovered")
                    return
                }
                #expect(error.message.contains("DiscoveryIgnoreHostnameFilters"))
                #expect(await service.state.keys.isEmpty)
            }
        }
    }

    private func waitForSender(_ standby: PGServer, host: String) async throws {
        for _ in 0..<300 {
            let row = try? await standby.query("SELECT sender_host, status FROM pg_stat_wal_receiver").rows.first
            if (try? row?.decodeIfPresent("sender_host", as: String.self)) == host,
               (try? row?.decodeIfPresent("status", as: String.self)) == "streaming" { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("standby never streamed from \(host)")
    }
}

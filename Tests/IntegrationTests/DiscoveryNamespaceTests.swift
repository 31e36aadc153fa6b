import Foundation
import Host
import PGTestKit
import Testing

/// Discovery on the production shape: every server alone on its host, all on port 5432.
/// In the serialized namespace suite, so its "nothing left behind" check stays meaningful.
extension NetworkNamespaceTests {
    @Test("seed only the primary: every standby is found, cascades included, with the right depth")
    func discoverFromPrimary() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, cascadingFrom: [0], networkNamespaces: true)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: [topology.primary])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "all four instances in one cluster") { s in
                    s.records.count == 4 && s.graph.clusterNames == [topology.primary.key.description]
                }
                let snapshot = await service.state.snapshot()
                #expect(Set(snapshot.records.keys) == Set(topology.servers.map(\.key)))
                for standby in topology.standbys {
                    #expect(snapshot.graph.nodes[standby.key]?.upstream == topology.primary.key)
                    #expect(snapshot.graph.nodes[standby.key]?.depth == 1)
                    #expect(snapshot.records[standby.key]?.isPrimary == false)
                }
                let cascade = topology.cascaded[0]
                #expect(snapshot.graph.nodes[cascade.key]?.upstream == topology.standbys[0].key)
                #expect(snapshot.graph.nodes[cascade.key]?.depth == 2)
            }
        }
    }

    @Test("seed only a standby: the primary and the sibling are found")
    func discoverFromStandby() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, networkNamespaces: true)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: [topology.standbys[1]])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "primary and both standbys") { s in
                    s.records.count == 3 && s.graph.nodes[topology.standbys[0].key]?.upstream == topology.primary.key
                }
                let snapshot = await service.state.snapshot()
                #expect(snapshot.graph.nodes[topology.primary.key]?.downstream == topology.standbys.map(\.key).sorted())
            }
        }
    }

    @Test("a cut-off standby is invalid within its deadlines while the others stay fresh")
    func cutOffStandby() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, networkNamespaces: true)) { topology in
            let lost = topology.standbys[0]
            let config = try DiscoveryFixture.configuration(seeds: [topology.primary])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "all valid") { s in
                    s.records.count == 3 && s.records.values.allSatisfy(\.lastCheckValid)
                }
                try await lost.cutOff()
                try await DiscoveryFixture.waitUntil(service, timeout: .seconds(10), "the cut-off standby is invalid") { s in
                    s.records[lost.key]?.lastCheckValid == false
                }
                let before = await service.state.snapshot()
                try await Task.sleep(for: .seconds(3))
                let after = await service.state.snapshot()
                for server in [topology.primary, topology.standbys[1]] {
                    #expect(try #require(after.records[server.key]?.lastChecked) > #require(before.records[server.key]?.lastChecked))
                    #expect(after.records[server.key]?.lastCheckValid == true)
                }
                try await lost.reconnect()
                try await DiscoveryFixture.waitUntil(service, "valid again after reconnecting") { s in
                    s.records[lost.key]?.lastCheckValid == true
                }
            }
        }
    }
}

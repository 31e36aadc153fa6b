import Foundation
import Host
import PGClient
import PGTestKit
import Testing

/// A TCP listener on a loopback address that never answers: a stand-in for "a server the
/// daemon must not connect to". The kernel completes handshakes into the backlog, so a
/// connection attempt shows as a pending connection without any accept thread.
final class SilentListener: Sendable {
    let host: String
    let port: Int
    private let fd: Int32

    init(host: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(host)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        } && listen(fd, 16) == 0
        guard ok else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.host = host
        self.port = Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Connections made to it so far (each accepted and closed).
    func connectionsSoFar() -> Int {
        var count = 0
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return count }
            close(client)
            count += 1
        }
    }

    deinit { close(fd) }

    var key: InstanceKey { InstanceKey(host: host, port: port) }
}

@Suite("Trust: where the password goes, and every broken standby is seen (loopback)")
struct TrustIntegrationTests {
    /// Points `standby`'s WAL receiver at `conninfo` and waits until it reloaded.
    static func setPrimaryConnInfo(_ standby: PGServer, _ conninfo: String) async throws {
        try await standby.query("ALTER SYSTEM SET primary_conninfo = \(try SQLQuote.literal(conninfo))")
        try await standby.query("SELECT pg_reload_conf()")
    }

    static func replicationConnInfo(to primary: PGServer, port: Int? = nil, applicationName: String? = nil) -> String {
        var text = "host=\(primary.host) port=\(port ?? primary.port) user=\(TestCredentials.replicationUser) password=\(TestCredentials.replicationPassword)"
        if let applicationName { text += " application_name=\(applicationName)" }
        return text
    }

    @Test("advertisedApplicationNameNotMatchingClientAddrIsNotProbed: a host:port application_name elsewhere gets no connection")
    func advertisedApplicationNameNotMatchingClientAddrIsNotProbed() async throws {
        let decoy = try SilentListener(host: "127.0.0.2")
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let standby = topology.standbys[0]
            // The standby connects from 127.0.0.1 but claims to be 127.0.0.2:<decoy>.
            try await Self.setPrimaryConnInfo(standby, Self.replicationConnInfo(to: topology.primary, applicationName: decoy.key.description))
            for _ in 0..<300 {
                let names = try await topology.primary.query("SELECT application_name FROM pg_stat_replication").rows
                    .compactMap { try? $0.decode("application_name", as: String.self) }
                if names.contains(decoy.key.description) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let names = try await topology.primary.query("SELECT application_name FROM pg_stat_replication").rows
                .compactMap { try? $0.decode("application_name", as: String.self) }
            try #require(names.contains(decoy.key.description), "the standby does not advertise the decoy: \(names)")
            let config = try DiscoveryFixture.configuration(seeds: [topology.primary])
            try await DiscoveryFixture.run(config) { service in
                try await DiscoveryFixture.waitUntil(service, "the primary is known") { $0.records[topology.primary.key] != nil }
                // Several crawls of the primary's pg_stat_replication.
                try await Task.sleep(for: .seconds(4))
                #expect(decoy.connectionsSoFar() == 0, "the daemon connected to the advertised address")
                #expect(await service.state.contains(decoy.key) == false)
            }
        }
    }

    @Test("discoverOutsideAllowedNetworksRefusedBeforeConnecting: DiscoveryAllowedNetworks is checked before any connection")
    func discoverOutsideAllowedNetworksRefusedBeforeConnecting() async throws {
        let outside = try SilentListener(host: "127.0.0.2")
        try await PGTopology.with(TopologySpec(standbys: 1)) { topology in
            let config = try DiscoveryFixture.configuration(seeds: [], extra: ["DiscoveryAllowedNetworks": ["127.0.0.1/32"]])
            try await DiscoveryFixture.run(config) { service in
                guard case .failure(let error) = await service.discover(outside.key, as: .anything) else {
                    Issue.record("discovered an address outside DiscoveryAllowedNetworks")
                    return
                }
                #expect(error.message.contains("DiscoveryAllowedNetworks"))
                #expect(outside.connectionsSoFar() == 0, "a connection was made before the check")
                // Inside the allowed network, discovery works as before.
                guard case .success = await service.discover(topology.primary.key, as: .anything) else {
                    Issue.record("the primary inside DiscoveryAllowedNetworks was not discovered")
                    return
                }
            }
        }
    }

    @Test("wrongPortStandbyRaisesStandbyNotReplicating: a standby pointed at a wrong port stays in its cluster and is reported")
    func wrongPortStandbyRaisesStandbyNotReplicating() async throws {
        try await brokenStandbyIsSeen(expectedStandbyCode: "StandbyUpstreamUnknown") { topology, standby in
            let nobody = try freePort()
            try await Self.setPrimaryConnInfo(standby, Self.replicationConnInfo(to: topology.primary, port: nobody))
        }
    }

    @Test("emptyConninfoStandbyRaisesStandbyNotReplicating: a standby whose receiver is down (no primary_conninfo) is reported")
    func emptyConninfoStandbyRaisesStandbyNotReplicating() async throws {
        try await brokenStandbyIsSeen(expectedStandbyCode: "StandbyUpstreamUnknown") { _, standby in
            try await Self.setPrimaryConnInfo(standby, "")
        }
    }

    @Test("refusedStandbyRaisesStandbyNotStreaming: a standby the primary refuses (wrong password) is reported on both sides")
    func refusedStandbyRaisesStandbyNotStreaming() async throws {
        try await brokenStandbyIsSeen(expectedStandbyCode: "StandbyNotStreaming") { topology, standby in
            let conninfo = "host=\(topology.primary.host) port=\(topology.primary.port) user=\(TestCredentials.replicationUser) password=wrong"
            try await Self.setPrimaryConnInfo(standby, conninfo)
        }
    }

    /// A healthy primary + 2 standbys under the daemon; `breakIt` breaks standby 1. Then
    /// `/api/replication-analysis` must show `StandbyNotReplicating` on the primary and
    /// `expectedStandbyCode` on the standby, and `/api/clusters-info` one cluster of three.
    private func brokenStandbyIsSeen(expectedStandbyCode: String,
                                     _ breakIt: @Sendable (PGTopology, PGServer) async throws -> Void) async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trust-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let seeds = topology.servers.map { "\"\($0)\"" }.joined(separator: ", ")
            let config = try TemporaryFile("""
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1, "DiscoverySeeds": [\(seeds)]}
                """)
            let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let base = "http://127.0.0.1:\(port)/api"
            let cluster = topology.primary.description
            func clusters() async throws -> [[String: Any]] {
                try json(try await daemon.get("\(base)/clusters-info")) as? [[String: Any]] ?? []
            }
            func analysis() async throws -> [String] {
                let envelope = try object(try await daemon.get("\(base)/replication-analysis"))
                let entries = envelope["Details"] as? [[String: Any]] ?? []
                return entries.map { entry in
                    let key = entry["AnalyzedInstanceKey"] as? [String: Any]
                    return "\(entry["Analysis"] as? String ?? "?") \(key?["Hostname"] as? String ?? "?"):\(key?["Port"] as? Int ?? 0)"
                }.sorted()
            }
            var healthy = false
            for _ in 0..<300 where !healthy {
                let all = try await clusters()
                let entries = try await analysis()
                healthy = all.count == 1 && all[0]["CountInstances"] as? Int == 3 && entries.isEmpty
                if !healthy { try await Task.sleep(for: .milliseconds(100)) }
            }
            let state = "\(try await clusters()) \(try await analysis()) "
                + String(decoding: try await daemon.get("\(base)/all-instances"), as: UTF8.self).prefix(4000)
            try #require(healthy, "not healthy before the break: \(state)")
            let standby = topology.standbys[1]
            try await breakIt(topology, standby)
            let expected = ["StandbyNotReplicating \(topology.primary)", "\(expectedStandbyCode) \(standby)"].sorted()
            try await eventually { try await analysis() == expected }
            let instance = String(decoding: try await daemon.get("\(base)/instance/\(standby.host)/\(standby.port)"), as: UTF8.self)
            #expect(try await analysis() == expected, "standby: \(instance.prefix(3000)); daemon log: \(daemon.output().suffix(3000))")
            // Still one cluster of three: the broken standby did not become a cluster of its own.
            let all = try await clusters()
            #expect(all.count == 1 && all.first?["ClusterName"] as? String == cluster && all.first?["CountInstances"] as? Int == 3,
                    "\(all)")
            // And it stays so (the wrong upstream keeps failing to answer).
            try await Task.sleep(for: .seconds(3))
            #expect(try await analysis() == expected)
            #expect(try await clusters().count == 1)
        }
    }
}

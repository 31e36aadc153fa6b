import Foundation
import Host
import PGClient

/// What to start: a primary, its standbys, and standbys cascading from those.
public struct TopologySpec: Sendable {
    /// Direct standbys of the primary.
    public var standbys: Int
    /// One entry per cascading standby: the index (0-based) in `standbys` of its upstream.
    public var cascadingFrom: [Int]
    /// `synchronous_standby_names = 'ANY 1 (<every direct standby>)'` on the primary.
    public var synchronous: Bool
    /// Each standby streams through a physical replication slot on its upstream.
    public var slots: Bool
    /// Extra `postgresql.conf` settings for every server (values as written in the file).
    public var settings: [String: String]
    /// Every server in a network namespace of its own, at its own address, on port 5432, as
    /// production nodes on their own hosts (see `NetworkLab`); needs root. Enables
    /// `PGServer.cutOff()`.
    public var networkNamespaces: Bool

    public init(standbys: Int = 2, cascadingFrom: [Int] = [], synchronous: Bool = false, slots: Bool = true,
                settings: [String: String] = [:], networkNamespaces: Bool = false) {
        self.standbys = standbys
        self.cascadingFrom = cascadingFrom
        self.synchronous = synchronous
        self.slots = slots
        self.settings = settings
        self.networkNamespaces = networkNamespaces
    }
}

/// A running primary with streaming standbys, on loopback or in network namespaces, for one
/// PostgreSQL version.
public final class PGTopology: Sendable {
    public let installation: PGInstallation
    public let primary: PGServer
    public let standbys: [PGServer]
    public let cascaded: [PGServer]
    private let root: String

    public var servers: [PGServer] { [primary] + standbys + cascaded }

    private init(installation: PGInstallation, primary: PGServer, standbys: [PGServer], cascaded: [PGServer], root: String) {
        self.installation = installation
        self.primary = primary
        self.standbys = standbys
        self.cascaded = cascaded
        self.root = root
    }

    /// Starts the topology, runs `body`, and always stops every server, also when `body` throws.
    public static func with<T: Sendable>(
        _ spec: TopologySpec = TopologySpec(), installation: PGInstallation? = nil,
        _ body: (PGTopology) async throws -> T
    ) async throws -> T {
        let topology = try await start(spec, installation: installation)
        do {
            let result = try await body(topology)
            await topology.stop()
            return result
        } catch {
            await topology.stop()
            throw error
        }
    }

    /// Starts a primary, then every direct standby in parallel (base backups included), then
    /// the cascading ones, and waits until each streams.
    public static func start(_ spec: TopologySpec = TopologySpec(), installation: PGInstallation? = nil) async throws -> PGTopology {
        let installation = try installation ?? PGInstallation.underTest()
        if let bad = spec.cascadingFrom.first(where: { !(0..<spec.standbys).contains($0) }) {
            throw HarnessError("cascadingFrom index \(bad) is not a standby")
        }
        let root = try Workspace.root(for: installation.major)
        let template = try await DataTemplate.shared.take(for: installation, under: root)
        let servers = try await makeServers(1 + spec.standbys + spec.cascadingFrom.count, spec: spec, installation, root: root)
        let primary = servers[0]
        let standbys = Array(servers[1..<(1 + spec.standbys)])
        let cascaded = Array(servers[(1 + spec.standbys)...])
        do {
            guard rename(template, primary.dataDirectory) == 0 else {
                throw HarnessError("cannot move \(template) to \(primary.dataDirectory): errno \(errno)")
            }
            var primarySettings = spec.settings
            if spec.synchronous {
                primarySettings["synchronous_standby_names"] = "'ANY 1 (*)'"
            }
            try primary.writeInstanceSettings(extra: primarySettings)
            try await primary.start()
            try await startStandbys(standbys, of: primary, spec: spec)
            for (server, upstreamIndex) in zip(cascaded, spec.cascadingFrom) {
                try await startStandbys([server], of: standbys[upstreamIndex], spec: spec)
            }
            let topology = PGTopology(installation: installation, primary: primary, standbys: standbys, cascaded: cascaded, root: root)
            try await topology.waitUntilStreaming(timeout: .seconds(30))
            return topology
        } catch {
            // stop() is a no-op for a server that never ran. The data (and server logs) stay
            // until the process exits.
            for server in servers.reversed() { await server.stop() }
            await NetworkLab.shared.release(servers.compactMap(\.network))
            throw error
        }
    }

    /// Stops every server (fast shutdown, SIGKILL after a grace period) and removes its data.
    /// With a server cut off, every server gets an immediate shutdown: a fast one waits for
    /// standbys that cannot answer (see `PGServer.stop()`), and the data goes anyway.
    public func stop() async {
        let immediately = servers.contains { $0.isCutOff }
        await withTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { await server.stop(immediately: immediately) } }
        }
        if ProcessInfo.processInfo.environment["PGHA_KEEP_DATA"] == nil {
            for server in servers {
                try? FileManager.default.removeItem(atPath: server.dataDirectory)
                try? FileManager.default.removeItem(atPath: server.socketDirectory)
            }
        }
        // After the servers: the kernel frees a namespace only once no process is left in it.
        await NetworkLab.shared.release(servers.compactMap(\.network))
    }

    /// Waits until every standby's WAL receiver streams from its upstream.
    public func waitUntilStreaming(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        for server in standbys + cascaded {
            while true {
                let row = try? await server.query("SELECT status FROM pg_stat_wal_receiver").rows.first
                if (try? row?.decodeIfPresent("status", as: String.self)) == "streaming" { break }
                guard ContinuousClock.now < deadline else {
                    throw HarnessError("standby \(server) is not streaming after \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// On loopback, each on a free port; in namespaces, each on port 5432 at its own address,
    /// named after its namespace.
    private static func makeServers(_ count: Int, spec: TopologySpec, _ installation: PGInstallation, root: String) async throws -> [PGServer] {
        guard spec.networkNamespaces else {
            return try (0..<count).map { _ in
                let port = try PortAllocator.allocate(major: installation.major)
                return PGServer(name: "node\(port)", host: "127.0.0.1", port: port,
                                dataDirectory: "\(root)/node\(port)", installation: installation)
            }
        }
        return try await NetworkLab.shared.makeNodes(count, major: installation.major).map { node in
            // A name comes round again after 253 nodes; what is left under it (the data of a
            // topology that failed to start) belongs to stopped servers.
            try? FileManager.default.removeItem(atPath: "\(root)/\(node.namespace)")
            return PGServer(name: node.namespace, host: node.address, port: 5432,
                     dataDirectory: "\(root)/\(node.namespace)", installation: installation, network: node)
        }
    }

    /// Base backups in parallel (`-R` writes `primary_conninfo` with the replication role's
    /// password, as operators usually do), then start them in parallel. A namespaced standby's
    /// base backup runs in its namespace, so it connects from the standby's address.
    private static func startStandbys(_ standbys: [PGServer], of upstream: PGServer, spec: TopologySpec) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for standby in standbys {
                group.addTask {
                    let source = upstream.conninfo(user: TestCredentials.replicationUser, password: TestCredentials.replicationPassword)
                    var arguments = ["-d", source.text, "-D", standby.dataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync"]
                    if spec.slots { arguments += ["-C", "-S", standby.name] }
                    try await Command.asPostgresUser(standby.installation.tool("pg_basebackup"), arguments, in: standby.network?.namespace).run()
                    // The upstream's socket lock file came along. On loopback its name has the
                    // upstream's port in it; on 5432 it would be ours, naming a live postmaster.
                    try? FileManager.default.removeItem(atPath: "\(standby.dataDirectory)/.s.PGSQL.\(upstream.port).lock")
                    try standby.writeInstanceSettings(extra: spec.settings)
                    try await standby.start()
                }
            }
            try await group.waitForAll()
        }
    }
}

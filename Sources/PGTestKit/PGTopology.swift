import Foundation
import Host

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

    public init(standbys: Int = 2, cascadingFrom: [Int] = [], synchronous: Bool = false, slots: Bool = true, settings: [String: String] = [:]) {
        self.standbys = standbys
        self.cascadingFrom = cascadingFrom
        self.synchronous = synchronous
        self.slots = slots
        self.settings = settings
    }
}

/// A running primary with streaming standbys on loopback, for one PostgreSQL version.
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
        let root = try Workspace.root(for: installation.major)
        let template = try await DataTemplate.shared.take(for: installation, under: root)
        let primary = try makeServer(installation, root: root)
        // Every server made so far, started or not: stop() is a no-op for one that never ran.
        var made: [PGServer] = [primary]
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

            let standbys = try (0..<spec.standbys).map { _ in try makeServer(installation, root: root) }
            made += standbys
            try await startStandbys(standbys, of: primary, spec: spec)
            let cascaded = try spec.cascadingFrom.map { _ in try makeServer(installation, root: root) }
            made += cascaded
            for (server, upstreamIndex) in zip(cascaded, spec.cascadingFrom) {
                guard standbys.indices.contains(upstreamIndex) else {
                    throw HarnessError("cascadingFrom index \(upstreamIndex) is not a standby")
                }
                try await startStandbys([server], of: standbys[upstreamIndex], spec: spec)
            }
            let topology = PGTopology(installation: installation, primary: primary, standbys: standbys, cascaded: cascaded, root: root)
            try await topology.waitUntilStreaming(timeout: .seconds(30))
            return topology
        } catch {
            for server in made.reversed() { await server.stop() }
            throw error
        }
    }

    /// Stops every server (fast shutdown, SIGKILL after a grace period) and removes its data.
    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { await server.stop() } }
        }
        if ProcessInfo.processInfo.environment["PGHA_KEEP_DATA"] == nil {
            for server in servers { try? FileManager.default.removeItem(atPath: server.dataDirectory) }
        }
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

    private static func makeServer(_ installation: PGInstallation, root: String) throws -> PGServer {
        let port = try PortAllocator.allocate(major: installation.major)
        return PGServer(name: "node\(port)", host: "127.0.0.1", port: port,
                        dataDirectory: "\(root)/node\(port)", installation: installation)
    }

    /// Base backups in parallel (`-R` writes `primary_conninfo` with the replication role's
    /// password, as operators usually do), then start them in parallel.
    private static func startStandbys(_ standbys: [PGServer], of upstream: PGServer, spec: TopologySpec) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for standby in standbys {
                group.addTask {
                    let source = upstream.conninfo(user: TestCredentials.replicationUser, password: TestCredentials.replicationPassword)
                    var arguments = ["-d", source.text, "-D", standby.dataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync"]
                    if spec.slots { arguments += ["-C", "-S", standby.name] }
                    try await Command.asPostgresUser(standby.installation.tool("pg_basebackup"), arguments).run()
                    try standby.writeInstanceSettings(extra: spec.settings)
                    try await standby.start()
                }
            }
            try await group.waitForAll()
        }
    }
}

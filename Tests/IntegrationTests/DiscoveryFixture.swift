import Builtins
import Foundation
import HookAPI
import Host
import Logging
import PGTestKit
import ServiceLifecycle
import Testing

/// Runs the daemon's topology service in-process against real servers, with a fresh backend.
struct DiscoveryFixture {
    /// A configuration as an operator would write it, plus test credentials and a fast poll;
    /// loaded as the executable loads it (with the built-ins' blocks).
    static func configuration(seeds: [PGServer], defaultPort: Int = 5432, extra: [String: Any] = [:]) throws -> Configuration {
        var json: [String: Any] = [
            "PostgreSQLTopologyUser": TestCredentials.user,
            "PostgreSQLTopologyPassword": TestCredentials.password,
            "PostgreSQLSSLMode": "disable",
            "DefaultInstancePort": defaultPort,
            "InstancePollSeconds": 1,
            "PostgreSQLConnectTimeoutSeconds": 2,
            "PostgreSQLProbeTimeoutSeconds": 2,
            "DiscoverySeeds": seeds.map(\.description),
            "SQLite3DataFile": FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString).sqlite3").path,
        ]
        json.merge(extra) { _, new in new }
        let data = try JSONSerialization.data(withJSONObject: json)
        return try Configuration.parse(data: data, source: "test.json", environment: [:], blocks: BuiltinPlugins.configBlocks)
            .configuration
    }

    /// Runs `body` while a `TopologyService` polls; shuts it down gracefully afterwards.
    static func run<T: Sendable>(_ configuration: Configuration, _ body: @Sendable (TopologyService) async throws -> T) async throws -> T {
        try await run(configuration, recovering: false) { service, _, _ in try await body(service) }
    }

    /// Runs `body` while a `TopologyService` polls and, with `recovering`, a
    /// `RecoveryCoordinator` analyses and recovers; shuts them down gracefully afterwards.
    /// `builtins`: compiled-in plugins for a plugin host (which also loads the configuration's
    /// Lua scripts and hook directories, with the built-ins' `orc.*` functions); nil runs
    /// without plugins.
    static func run<T: Sendable>(
        _ configuration: Configuration, recovering: Bool, builtins: [any Plugin]? = nil,
        _ body: @Sendable (TopologyService, RecoveryCoordinator, Backend) async throws -> T
    ) async throws -> T {
        let backend = try Backend.open(path: configuration.backend.sqlite3DataFile)
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["PGHA_TEST_LOG"] == nil ? .warning : .debug
        let service = TopologyService(configuration: configuration, backend: backend, logger: logger)
        var plugins: any RecoveryPluginDispatch = NoRecoveryPlugins()
        if let builtins {
            let host = PluginHost(builtins: builtins, settings: configuration.plugins,
                                  services: .live(configuration: configuration, topology: service.state, logger: logger,
                                                  functions: BuiltinPlugins.luaFunctions(configuration)),
                                  logger: logger)
            host.attach(topology: service.state)
            _ = await host.reload()
            plugins = host
        }
        let coordinator = RecoveryCoordinator(configuration: configuration, repository: backend, topology: service,
                                              plugins: plugins, logger: logger, processToken: "test")
        let services: [any Service] = recovering ? [service, coordinator] : [service]
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body(service, coordinator, backend)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Polls `condition` on the topology until it holds (or fails the test after `timeout`).
    static func waitUntil(_ service: TopologyService, timeout: Duration = .seconds(30), _ what: String,
                          _ condition: @Sendable (TopologySnapshot) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition(await service.state.snapshot()) { return }
            guard ContinuousClock.now < deadline else {
                let snapshot = await service.state.snapshot()
                let summary = snapshot.records.keys.sorted().map { key in
                    let node = snapshot.graph.nodes[key]
                    return "\(key) valid=\(snapshot.records[key]!.lastCheckValid) up=\(node?.upstream?.description ?? "-") cluster=\(node?.clusterName ?? "?")"
                }
                Issue.record("timed out waiting until \(what); topology: \(summary)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension PGServer {
    var key: InstanceKey { InstanceKey(host: host, port: port) }
}

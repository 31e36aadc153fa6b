// swift-tools-version:6.1
// 6.1 is needed for `traits: []` on Hummingbird (drops swift-configuration from the build).
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "orchestrator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orchestrator", targets: ["orchestrator"]),
        .library(name: "HookAPI", targets: ["HookAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(name: "COrchestratorSystem"),
        .target(name: "HookAPI", swiftSettings: strict),
        // The project's own JSON: parser (positions, member order, numbers as written), value, writer.
        .target(name: "ConfigJSON", swiftSettings: strict),
        // The non-blocking libpq client: connections, results, errors, connection strings, SQL quoting.
        .target(name: "PGClient", dependencies: ["HookAPI", "CLibPQ", "COrchestratorSystem"], swiftSettings: strict),
        .target(
            name: "Host",
            dependencies: [
                "HookAPI", "ConfigJSON", "PGClient", "CLua", "CLuaShim", "COrchestratorSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // The compiled-in plugins: what a third-party plugin would copy (HookAPI, PGClient and Host's
        // plugin API: config blocks, Lua functions).
        .target(name: "Builtins", dependencies: ["HookAPI", "ConfigJSON", "Host", "PGClient"], swiftSettings: strict),
        // The `orchestrator -c COMMAND` client: orchestrator-client's commands over the HTTP API.
        .target(
            name: "OrchestratorClient",
            dependencies: [
                "ConfigJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "orchestrator",
            dependencies: [
                "Host", "Builtins", "OrchestratorClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A local primary + standbys for `make demo` and the benchmarks.
        .executableTarget(
            name: "pglab",
            dependencies: [
                "PGTestKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Prepares the poll-scale benchmark's backend (bench/poll_scale.sh).
        .executableTarget(
            name: "pollbench",
            dependencies: [
                "Host",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The failover benchmark's driver (bench/failover.sh).
        .executableTarget(
            name: "failoverbench",
            dependencies: ["Host", "PGClient", "PGTestKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // Starts real PostgreSQL topologies for the tests and the benchmarks.
        .target(
            name: "PGTestKit",
            dependencies: [
                "Host", "PGClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "HostTests", dependencies: ["Host", "HookAPI", "ConfigJSON", "PGClient", "PGTestKit", "OrchestratorClient"], swiftSettings: strict),
        // The compiled-in plugins; ProxySQL tests run against Tests/Support/proxysql_standin.py (no PostgreSQL).
        .testTarget(name: "BuiltinsTests", dependencies: ["Builtins", "HookAPI", "ConfigJSON", "Host", "PGClient", "PGTestKit"], swiftSettings: strict),
        .testTarget(name: "IntegrationTests", dependencies: ["Host", "HookAPI", "PGClient", "Builtins", "PGTestKit", "OrchestratorClient"], swiftSettings: strict),
    ]
)

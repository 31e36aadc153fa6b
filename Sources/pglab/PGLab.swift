import ArgumentParser
import Foundation
import PGTestKit
import UnixSignals

/// Starts a local PostgreSQL topology with the test harness and keeps it up until SIGINT or
/// SIGTERM, then stops every server. Used by `make demo` and the benchmarks.
@main
struct PGLab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pglab",
        abstract: "Run a local PostgreSQL primary with streaming standbys until interrupted."
    )

    @Option(help: "PostgreSQL major version: 15, 16 or 18.")
    var version = 15

    @Option(help: "Direct standbys of the primary.")
    var standbys = 2

    @Option(help: "Independent clusters to start (each a primary with its standbys).")
    var clusters = 1

    @Option(help: "Extra loopback addresses (127.0.1.1 ... 127.0.1.N) every server also listens on (benchmarks).")
    var listenAliases = 0

    @Option(help: "Write the servers (JSON) to this file once they all stream.")
    var stateFile: String?

    mutating func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var spec = TopologySpec(standbys: standbys)
        if listenAliases > 0 {
            let addresses = ["127.0.0.1"] + (1...listenAliases).map { "127.0.1.\($0)" }
            spec.settings["listen_addresses"] = "'\(addresses.joined(separator: ","))'"
            spec.settings["max_connections"] = String(listenAliases + 30)
        }
        let installation = try PGInstallation(major: version)
        var topologies: [PGTopology] = []
        do {
            for _ in 0..<clusters { topologies.append(try await PGTopology.start(spec, installation: installation)) }
        } catch {
            for topology in topologies { await topology.stop() }
            throw error
        }
        let servers = topologies.flatMap(\.servers).map {
            ["name": $0.name, "host": $0.host, "port": String($0.port), "dataDirectory": $0.dataDirectory]
        }
        let json = try JSONSerialization.data(withJSONObject: ["primary": servers[0], "servers": servers], options: [.prettyPrinted, .sortedKeys])
        if let stateFile {
            try json.write(to: URL(fileURLWithPath: stateFile), options: .atomic)
        }
        for topology in topologies {
            print("pglab: PostgreSQL \(version): primary \(topology.primary), standbys \(topology.standbys.map(\.description).joined(separator: ", "))")
        }
        print("pglab: user \(TestCredentials.user) password \(TestCredentials.password) (test-only credentials)")
        for await _ in signals { break }
        print("pglab: stopping")
        for topology in topologies { await topology.stop() }
    }
}

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

    @Option(help: "Write the servers (JSON) to this file once they all stream.")
    var stateFile: String?

    mutating func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let topology = try await PGTopology.start(TopologySpec(standbys: standbys), installation: PGInstallation(major: version))
        let servers = topology.servers.map { ["name": $0.name, "host": $0.host, "port": String($0.port), "dataDirectory": $0.dataDirectory] }
        let json = try JSONSerialization.data(withJSONObject: ["primary": servers[0], "servers": servers], options: [.prettyPrinted, .sortedKeys])
        if let stateFile {
            try json.write(to: URL(fileURLWithPath: stateFile), options: .atomic)
        }
        print("pglab: PostgreSQL \(version): primary \(topology.primary), standbys \(topology.standbys.map(\.description).joined(separator: ", "))")
        print("pglab: user \(TestCredentials.user) password \(TestCredentials.password) (test-only credentials)")
        for await _ in signals { break }
        print("pglab: stopping")
        await topology.stop()
    }
}

import ArgumentParser
import Foundation
import Host
import Logging

/// Prepares the poll-scale benchmark: probes each real server once, then writes `instances`
/// instance records to a fresh backend, each a distinct `127.0.1.k:port` address of one of the
/// servers, as if the daemon had discovered them earlier. The daemon started on that backend
/// polls them all, exactly as after a restart. See bench/poll_scale.sh and docs/benchmarks.md.
@main
struct PollBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pollbench")

    @Option(help: "pglab state file listing the servers.")
    var servers: String

    @Option(help: "Instance records to write.")
    var instances = 1000

    @Option(help: "Loopback aliases each server listens on (127.0.1.1 ... 127.0.1.N).")
    var aliases: Int

    @Option(help: "Backend file to create.")
    var backend: String

    @Option(help: "Password of the orchestrator role.")
    var password: String

    mutating func run() async throws {
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: servers))) as! [String: Any]
        let list = (state["servers"] as! [[String: String]]).map { InstanceKey(host: $0["host"]!, port: Int($0["port"]!)!) }
        guard list.count * aliases >= instances else {
            throw ValidationError("\(list.count) servers × \(aliases) aliases < \(instances) instances")
        }
        let json = try JSONSerialization.data(withJSONObject: [
            "PostgreSQLTopologyUser": "orchestrator", "PostgreSQLTopologyPassword": password, "PostgreSQLSSLMode": "disable",
            "SQLite3DataFile": backend,
        ])
        let configuration = try Configuration.parse(data: json, source: "pollbench", environment: [:]).configuration
        let store = try Backend.open(path: backend)
        let service = TopologyService(configuration: configuration, backend: store, logger: Logger(label: "pollbench"))
        var templates: [InstanceRecord] = []
        for key in list {
            guard case .success(let record) = await service.discover(key, as: .anything) else {
                throw ValidationError("cannot probe \(key)")
            }
            templates.append(record)
        }
        var records: [InstanceRecord] = []
        for index in 0..<instances {
            let template = templates[index % templates.count]
            var record = template
            record.key = InstanceKey(host: "127.0.1.\(index / templates.count + 1)", port: template.key.port)
            records.append(record)
        }
        try await store.saveInstances(records, removed: [], roleChanges: [], clusterOf: [:])
        print("pollbench: wrote \(records.count) instance records over \(list.count) servers to \(backend)")
    }
}

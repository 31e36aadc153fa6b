import Foundation

/// Wires the default demote script (plugins/demote/pg_ctl-demote.sh) to a test topology: a
/// data-directory map for its servers and a password file (mode 0600, owned by the servers'
/// OS user) with the topology and replication roles, so no password goes on a command line or
/// into the environment.
public struct DemoteSetup: Sendable {
    public let passfile: String
    public let dataDirs: String

    public init(_ topology: PGTopology) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-demote-\(UUID().uuidString)").path
        passfile = base + "-pgpass"
        dataDirs = base + "-data-dirs"
        let lines = [
            "*:*:*:\(TestCredentials.user):\(TestCredentials.password)",
            "*:*:*:\(TestCredentials.replicationUser):\(TestCredentials.replicationPassword)",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: passfile, atomically: true, encoding: .utf8)
        // libpq ignores a password file others can read; the servers' OS user reads it.
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        if geteuid() == 0 { attributes[.ownerAccountName] = PGInstallation.osUser }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: passfile)
        let map = topology.servers.map { "\($0.host):\($0.port) \($0.dataDirectory) \($0.dataDirectory)/server.log" }
        try ("# host:port data-directory log-file\n" + map.joined(separator: "\n") + "\n").write(toFile: dataDirs, atomically: true, encoding: .utf8)
    }

    public func remove() {
        unlink(passfile)
        unlink(dataDirs)
    }

    /// The `DemoteProcesses` entry that runs `script` for this topology.
    public func command(script: String, _ topology: PGTopology) -> String {
        "\(script) --data-dirs \(dataDirs) --bin-dir \(topology.installation.binDirectory) --passfile \(passfile) "
            + "--user \(TestCredentials.user) --replication-user \(TestCredentials.replicationUser) --sslmode disable"
    }
}

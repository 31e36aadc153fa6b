import Foundation
import HookAPI
@testable import Host
import PGClient
import PGTestKit
import Testing

/// Outcome 3 (TLS part) / F1, F3: `verify-full` with the operator's CA and `channel_binding`
/// make a server prove who it is before the daemon's password goes out. PostgreSQL 15 (Debian)
/// is built with TLS; the 16/18 test builds are not, so this runs on 15.
@Suite("TLS to managed instances: verify-full, sslrootcert, channel_binding")
struct TopologyTLSTests {
    static var hasTLS: Bool { (try? PGInstallation.underTest().major) == 15 }

    /// A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA.
    static func makeCertificates(in dir: String) async throws {
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=orc-test-ca -keyout ca.key -out ca.crt 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=rogue-ca -keyout rogue.key -out rogue.crt 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.crt 2>/dev/null
            chmod 0600 server.key
            chown \(PGInstallation.osUser) server.key server.crt
            """
        let output = RecoveryFixture.scratchPath("openssl.out")
        defer { unlink(output) }
        let pid = try ChildProcess.spawn("/bin/sh", ["-c", script], environment: ProcessInfo.processInfo.environment, outputPath: output)
        let termination = await ChildProcess.wait(pid)
        guard termination == .exited(0) else {
            throw HarnessError("certificate generation failed: \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        }
    }

    @Test("verify-full with the right CA and channel_binding=require connects over TLS; a wrong CA or a wrong name is refused before authenticating",
          .enabled(if: hasTLS && geteuid() == 0, "needs PostgreSQL 15 (built with TLS) and root to hand the key to the server's user"))
    func verifyFullAndChannelBinding() async throws {
        let dir = RecoveryFixture.scratchPath("tls")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Self.makeCertificates(in: dir)
        let settings = ["ssl": "on", "ssl_cert_file": "'\(dir)/server.crt'", "ssl_key_file": "'\(dir)/server.key'"]
        try await PGTopology.with(TopologySpec(standbys: 0, settings: settings)) { topology in
            let primary = topology.primary
            let config = try DiscoveryFixture.configuration(seeds: [primary], extra: [
                "PostgreSQLSSLMode": "verify-full", "PostgreSQLTopologySSLCAFile": "\(dir)/ca.crt",
                "PostgreSQLChannelBinding": "require",
            ])
            let connector = Connector(config)
            let connection = try await connector.connect(primary.key)
            let row = try await connection.query("SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid()",
                                                 timeout: .seconds(5)).singleRow()
            await connection.close()
            #expect(try row.decode("ssl", as: Bool.self))

            var rogue = connector
            rogue.tls.rootCertFile = "\(dir)/rogue.crt"
            let wrongCA = await #expect(throws: PGError.self) { try await rogue.connect(primary.key) }
            #expect(wrongCA?.message.contains("certificate") == true, "\(wrongCA.map(String.init(describing:)) ?? "")")

            let wrongName = await #expect(throws: PGError.self) {
                try await connector.connect(InstanceKey(host: "localhost", port: primary.port))
            }
            #expect(wrongName?.message.contains("localhost") == true, "\(wrongName.map(String.init(describing:)) ?? "")")

            // channel_binding=require refuses a server that does not bind the password exchange to
            // the TLS channel: here, a connection without TLS.
            var plain = connector
            plain.sslMode = "disable"
            let unbound = await #expect(throws: PGError.self) { try await plain.connect(primary.key) }
            #expect(unbound?.message.contains("channel binding") == true, "\(unbound.map(String.init(describing:)) ?? "")")
        }
    }
}

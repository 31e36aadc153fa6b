import Foundation
import Host
import PGTestKit
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Authentication, ReadOnly and TLS through the daemon binary (no PostgreSQL needed: the
/// refusals happen before any instance is contacted).
@Suite("API access: AuthenticationMethod, ReadOnly, TLS")
struct APIAccessTests {
    private func withDaemon(_ settings: String, _ body: (_ base: String, _ port: Int) async throws -> Void) async throws {
        try await withAPIDaemon(settings) { base, port, _ in try await body(base, port) }
    }

    private func basic(_ user: String, _ password: String) -> [String: String] { basicAuthorization(user, password) }

    private func envelope(_ data: Data) -> [String: Any] { jsonObject(data) }

    @Test("multi: reads need credentials, user readonly reads with any password but cannot write, probes stay open")
    func multi() async throws {
        try await withDaemon(#""AuthenticationMethod": "multi", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner""#) { api, _ async throws in
            let anonymous = try await OrchestratorProcess.request("\(api)/clusters", method: "GET")
            #expect(anonymous.status == 401)
            #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Basic") == true)
            #expect(envelope(anonymous.body)["Code"] as? String == "ERROR")
            #expect((envelope(anonymous.body)["Message"] as? String)?.contains("Unauthorized") == true)
            #expect(try await OrchestratorProcess.request("\(api)/clusters", method: "GET", headers: basic("dba", "wrong")).status == 401)
            #expect(try await OrchestratorProcess.request("\(api)/clusters", method: "GET", headers: basic("dba", "time_for_dinner")).status == 200)
            #expect(try await OrchestratorProcess.request("\(api)/clusters", method: "GET", headers: basic("readonly", "anything")).status == 200)

            let v2 = try await OrchestratorProcess.request("\(api)/v2/clusters", method: "GET")
            #expect(v2.status == 401)
            #expect((envelope(v2.body)["error"] as? [String: Any])?["code"] as? String == "UNAUTHORIZED")

            // Writes: refused before anything happens, for anonymous and readonly alike.
            #expect(try await OrchestratorProcess.request("\(api)/discover/127.0.0.1/1", method: "GET").status == 401)
            let readonly = try await OrchestratorProcess.request("\(api)/forget-cluster/x", method: "GET", headers: basic("readonly", "x"))
            #expect(readonly.status == 403)
            #expect((envelope(readonly.body)["Message"] as? String)?.contains("readonly") == true)
            // A path no route matches is checked as a write (fail closed): readonly learns nothing.
            #expect(try await OrchestratorProcess.request("\(api)/no-such-route/x", method: "GET", headers: basic("readonly", "x")).status == 403)
            #expect(try await OrchestratorProcess.request("\(api)/no-such-route/x", method: "GET", headers: basic("dba", "time_for_dinner")).status == 404)
            // The real user gets through to the action (nothing listens on port 1).
            let write = try await OrchestratorProcess.request("\(api)/discover/127.0.0.1/1", method: "GET", headers: basic("dba", "time_for_dinner"))
            #expect(write.status == 500)
            #expect((envelope(write.body)["Message"] as? String)?.contains("Cannot discover 127.0.0.1:1") == true)

            for open in ["health", "leader-check", "status", "v2/status"] {
                #expect(try await OrchestratorProcess.request("\(api)/\(open)", method: "GET").status == 200, "\(open)")
            }
            #expect(try await OrchestratorProcess.request("http://\(URL(string: api)!.host!):\(URL(string: api)!.port!)/metrics", method: "GET").status == 401)

            // The client passes ORCHESTRATOR_AUTH_USER / _PASSWORD.
            let withAuth = try await OrchestratorProcess.client(["-c", "clusters"], environment: [
                "ORCHESTRATOR_API": api, "ORCHESTRATOR_AUTH_USER": "dba", "ORCHESTRATOR_AUTH_PASSWORD": "time_for_dinner"])
            #expect(withAuth.termination == .exited(0) && withAuth.output.isEmpty, "\(withAuth.output)")
            let without = try await OrchestratorProcess.client(["-c", "clusters"], environment: ["ORCHESTRATOR_API": api])
            #expect(without.termination == .exited(1))
            #expect(without.output.contains("Unauthorized"))
        }
    }

    @Test("basic: readonly is just a wrong user")
    func basicMethod() async throws {
        try await withDaemon(#""AuthenticationMethod": "basic", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner""#) { api, _ async throws in
            #expect(try await OrchestratorProcess.request("\(api)/clusters", method: "GET", headers: basic("readonly", "x")).status == 401)
            #expect(try await OrchestratorProcess.request("\(api)/all-instances", method: "GET", headers: basic("dba", "time_for_dinner")).status == 200)
        }
    }

    @Test("ReadOnly: every write refused with a message naming ReadOnly, reads served")
    func readOnly() async throws {
        try await withDaemon(#""ReadOnly": true"#) { api, _ async throws in
            for write in ["discover/127.0.0.1/5432", "forget/127.0.0.1/5432", "forget-cluster/x"] {
                let answer = try await OrchestratorProcess.request("\(api)/\(write)", method: "GET")
                #expect(answer.status == 403, "\(write)")
                #expect(envelope(answer.body)["Code"] as? String == "ERROR")
                #expect((envelope(answer.body)["Message"] as? String)?.contains("ReadOnly") == true, "\(write)")
            }
            #expect(try await OrchestratorProcess.request("\(api)/clusters", method: "GET").status == 200)
            let cli = try await OrchestratorProcess.client(["-c", "discover", "-i", "127.0.0.1:5432"], environment: ["ORCHESTRATOR_API": api])
            #expect(cli.termination == .exited(1))
            #expect(cli.output.contains("ReadOnly"))
        }
    }

    @Test("UseSSL: HTTPS with the configured certificate; the client verifies it")
    func tls() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pid = try ChildProcess.spawn("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem"], environment: ProcessInfo.processInfo.environment)
        #expect(await ChildProcess.wait(pid) == .exited(0))
        try await withDaemon("""
            "UseSSL": true, "SSLCertFile": "\(dir)/cert.pem", "SSLPrivateKeyFile": "\(dir)/key.pem",
            "AuthenticationMethod": "basic", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner"
            """) { api, port async throws in
            let https = "https://127.0.0.1:\(port)/api"
            let auth = ["ORCHESTRATOR_AUTH_USER": "dba", "ORCHESTRATOR_AUTH_PASSWORD": "time_for_dinner"]
            let trusted = try await OrchestratorProcess.client(["-c", "api", "-path", "health"],
                                                              environment: auth.merging(["ORCHESTRATOR_API": https, "ORCHESTRATOR_CA_FILE": "\(dir)/cert.pem"]) { $1 })
            #expect(trusted.termination == .exited(0), "\(trusted.output)")
            #expect(trusted.output.hasPrefix("{ \"Code\": \"OK\""))
            let untrusted = try await OrchestratorProcess.client(["-c", "clusters"], environment: auth.merging(["ORCHESTRATOR_API": https]) { $1 })
            #expect(untrusted.termination == .exited(1))
            #expect(untrusted.output.contains("Cannot access orchestrator"))
            // Plain HTTP to the HTTPS port gets no API answer.
            let plain = try? await OrchestratorProcess.request("\(api)/health", method: "GET")
            #expect(plain?.status != 200)
        }
    }

    @Test("UseMutualTLS: a client without a certificate signed by SSLCAFile is refused")
    func mutualTLS() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, subject) in [("server", "/CN=localhost"), ("client", "/CN=operator")] {
            let pid = try ChildProcess.spawn("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "\(dir)/\(name)-key.pem", "-out", "\(dir)/\(name).pem"],
                environment: ProcessInfo.processInfo.environment)
            #expect(await ChildProcess.wait(pid) == .exited(0))
        }
        // The client's self-signed certificate is its own CA.
        try await withDaemon("""
            "UseSSL": true, "SSLCertFile": "\(dir)/server.pem", "SSLPrivateKeyFile": "\(dir)/server-key.pem",
            "UseMutualTLS": true, "SSLCAFile": "\(dir)/client.pem"
            """) { _, port async throws in
            let url = "https://127.0.0.1:\(port)/api/leader-check"
            func curl(_ extra: [String]) async throws -> (ChildProcess.Termination, String) {
                let output = "\(dir)/curl-\(UUID().uuidString)"
                let pid = try ChildProcess.spawn("/usr/bin/curl", ["-s", "-m", "10", "--cacert", "\(dir)/server.pem"] + extra + [url],
                                                 environment: ProcessInfo.processInfo.environment, outputPath: output)
                return (await ChildProcess.wait(pid), (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
            }
            let withCertificate = try await curl(["--cert", "\(dir)/client.pem", "--key", "\(dir)/client-key.pem"])
            #expect(withCertificate.0 == .exited(0))
            #expect(withCertificate.1 == "\"OK\"")
            let without = try await curl([])
            #expect(without.0 != .exited(0), "served without a client certificate: \(without.1)")
        }
    }

    @Test("UseSSL with a file that is no key: exit status 2 naming SSLPrivateKeyFile")
    func badKey() async throws {
        let notAKey = try TemporaryFile("not a key")
        let file = try TemporaryFile("""
            {"ListenAddress": "127.0.0.1:\(try freePort())", "UseSSL": true, "SSLCertFile": "\(notAKey.path)", "SSLPrivateKeyFile": "\(notAKey.path)",
             "SQLite3DataFile": "\(FileManager.default.temporaryDirectory.path)/badkey-\(UUID().uuidString).sqlite3"}
            """)
        let run = try await OrchestratorProcess.run(["--config", file.path, "http"])
        #expect(run.termination == .exited(2))
        #expect(run.output.contains("SSLCertFile \(notAKey.path): cannot load"))
    }
}

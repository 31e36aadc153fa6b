import Foundation
import Host
import PGTestKit
import Testing

/// The API's hardening through the daemon binary (no PostgreSQL): pagination limits, methods,
/// cross-site writes, the audit, the Unix socket, TLS versions, the 401 backoff, what open
/// probes tell, and connection limits.
@Suite("API hardening: pages, POST, cross-site, audit, ListenSocket, TLS, backoff, probes, limits")
struct APIHardeningTests {
    private func request(_ url: String, _ method: String = "GET", _ headers: [String: String] = [:]) async throws -> (status: Int, body: [String: Any], headers: [String: String]) {
        let answer = try await OrchestratorProcess.request(url, method: method, headers: headers)
        return (answer.status, jsonObject(answer.body), answer.headers)
    }

    @Test("a page number that would overflow answers 400 and the daemon lives on")
    func hugePageNumberAnswers400AndDaemonLives() async throws {
        try await withAPIDaemon(#""InstancePollSeconds": 1"#) { api, _, daemon in
            for path in ["audit-recovery/999999999999999999", "audit-recovery/cluster/x/999999999999999999",
                         "audit-recovery/9223372036854775807", "audit-recovery/1000001", "audit/999999999999999999",
                         "audit/instance/127.0.0.1/5432/184467440737095516150", "audit-recovery/-1", "audit-recovery/+1"] {
                let answer = try await request("\(api)/\(path)")
                #expect(answer.status == 400, "\(path)")
                #expect((answer.body["Message"] as? String)?.contains("page") == true, "\(path): \(answer.body)")
            }
            let v2 = try await request("\(api)/v2/recoveries?page=999999999999999999")
            #expect(v2.status == 400)
            #expect((v2.body["error"] as? [String: Any])?["code"] as? String == "INVALID_PAGE")
            #expect(try await request("\(api)/audit-recovery/id/99999999999999999999").status == 400)
            // The largest page is served (empty), and the daemon is still there.
            #expect(try await request("\(api)/audit-recovery/1000000").status == 200)
            #expect(try await request("\(api)/v2/recoveries?page=1000000").status == 200)
            #expect(try await request("\(api)/health").body["Code"] as? String == "OK")
            #expect(ChildProcess.signal(daemon.pid, 0), "the daemon died")
        }
    }

    @Test("writes answer POST as well as GET; reads answer GET only")
    func postAcceptedForWrites() async throws {
        try await withAPIDaemon(#""InstancePollSeconds": 1"#) { api, _, daemon in
            #expect(daemon.output().contains("API protected mode"), "the start does not say who may write")
            #expect(try await request("\(api)/disable-global-recoveries", "POST").body["Code"] as? String == "OK")
            #expect(try await request("\(api)/check-global-recoveries").body["Details"] as? String == "disabled")
            #expect(try await request("\(api)/enable-global-recoveries", "GET").body["Code"] as? String == "OK")
            #expect(try await request("\(api)/check-global-recoveries").body["Details"] as? String == "enabled")
            let post = try await request("\(api)/clusters", "POST")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET")
            #expect(try await request("\(api)/disable-global-recoveries", "PUT").status == 405)
        }
    }

    @Test("a write a browser marks cross-site is refused, on GET and POST; same-origin and non-browser clients pass")
    func crossSiteWriteRefused() async throws {
        try await withAPIDaemon(#""InstancePollSeconds": 1"#) { api, port, _ in
            for method in ["GET", "POST"] {
                for headers in [["Sec-Fetch-Site": "cross-site"], ["Sec-Fetch-Site": "same-site"], ["Origin": "http://evil.example"],
                                ["Origin": "null"], ["Origin": "http://127.0.0.1:\(port + 1)"]] {
                    let answer = try await request("\(api)/disable-global-recoveries", method, headers)
                    #expect(answer.status == 403, "\(method) \(headers)")
                    #expect((answer.body["Message"] as? String)?.contains("another site") == true, "\(answer.body)")
                }
            }
            #expect(try await request("\(api)/check-global-recoveries").body["Details"] as? String == "enabled", "a refused write ran")
            // Reads stay readable cross-site (the browser's same-origin policy hides answers).
            #expect(try await request("\(api)/clusters", "GET", ["Sec-Fetch-Site": "cross-site"]).status == 200)
            // Same origin, as the web UI would send it.
            let same = try await request("\(api)/disable-global-recoveries", "POST",
                                         ["Origin": "http://127.0.0.1:\(port)", "Sec-Fetch-Site": "same-origin"])
            #expect(same.status == 200)
            #expect(try await request("\(api)/check-global-recoveries").body["Details"] as? String == "disabled")
        }
    }

    @Test("API writes are logged and stored with user, source, route and outcome; /api/audit serves them; AuditLogFile gets lines")
    func apiWritesAreAudited() async throws {
        let auditFile = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log").path
        defer { unlink(auditFile) }
        try await withAPIDaemon("""
            "AuthenticationMethod": "multi", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner", "AuditLogFile": "\(auditFile)"
            """) { api, _, daemon in
            let dba = basicAuthorization("dba", "time_for_dinner")
            #expect(try await request("\(api)/begin-downtime/127.0.0.1/5999/alice/patching/15m", "POST", dba).status == 200)
            #expect(try await request("\(api)/disable-global-recoveries", "GET", dba).status == 200)
            #expect(try await request("\(api)/end-downtime/127.0.0.1/5998", "GET", dba).status == 500)
            // Refused: logged, not stored.
            #expect(try await request("\(api)/enable-global-recoveries", "GET", basicAuthorization("readonly", "x")).status == 403)
            // Reads are not audited.
            #expect(try await request("\(api)/clusters", "GET", dba).status == 200)

            let all = try await OrchestratorProcess.request("\(api)/audit", method: "GET", headers: dba)
            #expect(all.status == 200)
            let entries = try #require(try JSONSerialization.jsonObject(with: all.body) as? [[String: Any]])
            #expect(entries.map { $0["AuditType"] as? String } == ["end-downtime", "disable-global-recoveries", "begin-downtime"])
            #expect(entries.map { $0["Status"] as? Int } == [500, 200, 200])
            #expect(entries.map { $0["Method"] as? String } == ["GET", "GET", "POST"])
            #expect(entries.allSatisfy { $0["User"] as? String == "dba" && ($0["Source"] as? String)?.hasPrefix("127.0.0.1:") == true })
            #expect(entries.allSatisfy { ($0["AuditId"] as? Int ?? 0) > 0 && ($0["AuditTimestamp"] as? String)?.isEmpty == false })
            let key = try #require(entries.last?["AuditInstanceKey"] as? [String: Any])
            #expect(key["Hostname"] as? String == "127.0.0.1" && key["Port"] as? Int == 5999)
            #expect((entries.last?["Message"] as? String)?.contains("by dba from 127.0.0.1") == true)

            let instance = try await OrchestratorProcess.request("\(api)/audit/instance/127.0.0.1/5999", method: "GET", headers: dba)
            #expect((try JSONSerialization.jsonObject(with: instance.body) as? [[String: Any]])?.map { $0["AuditType"] as? String } == ["begin-downtime"])
            #expect((try JSONSerialization.jsonObject(with: (try await OrchestratorProcess.request("\(api)/audit/1", method: "GET", headers: dba)).body) as? [Any])?.isEmpty == true)

            let lines = ((try? String(contentsOfFile: auditFile, encoding: .utf8)) ?? "").split(separator: "\n")
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.first?.contains("begin-downtime 127.0.0.1:5999 user=dba source=127.0.0.1:") == true, "\(lines)")
            var mode = stat()
            #expect(stat(auditFile, &mode) == 0 && mode.st_mode & 0o777 == 0o600)
            let log = daemon.output()
            #expect(log.contains("API write POST /api/begin-downtime/127.0.0.1/5999/alice/patching/15m: 200"), "\(log.suffix(2000))")
            #expect(log.contains("API write refused GET /api/enable-global-recoveries: 403"))
        }
    }

    @Test("ListenSocket: the API answers on the socket (mode 0660), the TCP port is not bound")
    func listenSocketServesAndTCPIsClosed() async throws {
        let socketPath = "/tmp/orc-api-\(UUID().uuidString.prefix(8)).sock"
        defer { unlink(socketPath) }
        let port = try freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socket-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try TemporaryFile("""
            {"ListenAddress": "127.0.0.1:\(port)", "ListenSocket": "\(socketPath)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3"}
            """)
        let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
        defer { ChildProcess.signal(daemon.pid, SIGKILL) }
        func curl(_ path: String, _ extra: [String] = []) async throws -> (ChildProcess.Termination, String) {
            try await runTool("/usr/bin/curl", ["-s", "-m", "10", "--unix-socket", socketPath] + extra + ["http://localhost/api/\(path)"])
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await curl("health").0 != .exited(0), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let health = try await curl("health")
        #expect(health.0 == .exited(0) && health.1.contains("\"Code\":\"OK\""), "\(health.1) \(daemon.output().suffix(1000))")
        // A write over the socket is local, so protected mode lets it through.
        #expect(try await curl("disable-global-recoveries", ["-X", "POST"]).1.contains("\"Code\":\"OK\""))
        var info = stat()
        #expect(stat(socketPath, &info) == 0 && info.st_mode & 0o777 == 0o660, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let tcp = loopbackConnection(port, blocking: true)
        #expect(tcp == nil, "something listens on TCP \(port)")
        if let tcp { close(tcp) }
        #expect(daemon.output().contains("Unix socket \(socketPath)"))
        ChildProcess.signal(daemon.pid, SIGTERM)
        #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
    }

    @Test("HTTPS refuses TLS 1.1 and accepts TLS 1.2")
    func tlsBelow12Refused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls12-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try await runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                          "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem"])
        #expect(made.0 == .exited(0))
        try await withAPIDaemon(#""UseSSL": true, "SSLCertFile": "\#(dir)/cert.pem", "SSLPrivateKeyFile": "\#(dir)/key.pem""#) { _, port, _ in
            // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so only the server can refuse it.
            func handshake(_ version: String) async throws -> (ChildProcess.Termination, String) {
                try await runTool("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", version,
                                                       "-cipher", "DEFAULT:@SECLEVEL=0", "-brief"])
            }
            let old = try await handshake("-tls1_1")
            #expect(old.0 != .exited(0), "TLS 1.1 accepted: \(old.1)")
            #expect(!old.1.contains("Protocol version: TLSv1.1"), "\(old.1)")
            let current = try await handshake("-tls1_2")
            #expect(current.1.contains("Protocol version: TLSv1.2"), "\(current.1)")
        }
    }

    @Test("repeated wrong credentials from one address are answered 429 for a while, even with the right ones")
    func wrongCredentialsBackOff() async throws {
        try await withAPIDaemon(#""AuthenticationMethod": "basic", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner""#) { api, _, _ in
            let right = basicAuthorization("dba", "time_for_dinner")
            // Asking without credentials first is what clients do: it does not count.
            for _ in 0..<10 { #expect(try await request("\(api)/clusters").status == 401) }
            #expect(try await request("\(api)/clusters", "GET", right).status == 200)
            for guess in 0..<5 { #expect(try await request("\(api)/clusters", "GET", basicAuthorization("dba", "guess\(guess)")).status == 401) }
            let blocked = try await request("\(api)/clusters", "GET", right)
            #expect(blocked.status == 429)
            #expect(blocked.headers["retry-after"] == "1")
            // Open probes are no way around it: they answer, but as to a stranger.
            let probe = try await request("\(api)/health", "GET", right)
            #expect(probe.status == 200 && (probe.body["Details"] as? [String: Any])?["Token"] as? String == "")
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await request("\(api)/clusters", "GET", right).status == 200)
        }
    }

    @Test("open probes tell a client without credentials neither host name, token, SQLite path nor backend errors")
    func openEndpointsLeakNothingWithoutCredentials() async throws {
        try await withAPIDaemon(#""AuthenticationMethod": "basic", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner""#) { api, _, _ in
            for path in ["health", "status", "v2/status"] {
                let anonymous = try await OrchestratorProcess.request("\(api)/\(path)", method: "GET")
                #expect(anonymous.status == 200, "\(path)")
                let text = String(decoding: anonymous.body, as: UTF8.self)
                #expect(!text.contains("orchestrator.sqlite3") && !text.contains(ProcessInfo.processInfo.hostName), "\(path): \(text)")
                let details = jsonObject(anonymous.body)["Details"] as? [String: Any] ?? jsonObject(anonymous.body)["data"] as? [String: Any] ?? [:]
                #expect(details["Healthy"] as? Bool == true && details["Token"] as? String == "" && details["Hostname"] as? String == "", "\(path)")
                #expect((details["ActiveNode"] as? [String: Any])?["DBBackend"] as? String == "sqlite")

                let known = try await OrchestratorProcess.request("\(api)/\(path)", method: "GET", headers: basicAuthorization("dba", "time_for_dinner"))
                let full = jsonObject(known.body)["Details"] as? [String: Any] ?? jsonObject(known.body)["data"] as? [String: Any] ?? [:]
                #expect((full["Token"] as? String)?.isEmpty == false && full["Hostname"] as? String == ProcessInfo.processInfo.hostName, "\(path)")
                #expect(!String(decoding: known.body, as: UTF8.self).contains("orchestrator.sqlite3"))
            }
        }
    }
}

extension APIHardeningTests {
    @Test("StatusEndpoint is served as an open probe, in addition to /api/status")
    func statusEndpointServed() async throws {
        try await withAPIDaemon(#""StatusEndpoint": "/lb/ping", "AuthenticationMethod": "basic", "HTTPAuthUser": "dba", "HTTPAuthPassword": "time_for_dinner""#) { api, port, _ in
            let answer = try await OrchestratorProcess.request("http://127.0.0.1:\(port)/lb/ping", method: "GET")
            #expect(answer.status == 200 && jsonObject(answer.body)["Code"] as? String == "OK")
            #expect(try await OrchestratorProcess.request("\(api)/status", method: "GET").status == 200)
        }
    }
}

extension APIHardeningTests {
    /// Whether the server closes `fd` within `timeout` (end of file or reset).
    private func closedWithin(_ fd: Int32, _ timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            // An answer may come first: read it away, then look again at once.
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return true }
            if n < 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        return false
    }

    /// Sends all of `text` without blocking a thread (a full buffer is waited for with
    /// `Task.sleep`): false once the peer is gone, or after 5 s without progress.
    @discardableResult
    private func send(_ fd: Int32, _ text: String) async throws -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        var stalled = ContinuousClock.now + .seconds(5)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                offset += n
                stalled = ContinuousClock.now + .seconds(5)
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK, ContinuousClock.now < stalled {
                try await Task.sleep(for: .milliseconds(1))
            } else {
                return false
            }
        }
        return true
    }

    @Test("limits: headers sent slowly are cut off by the idle timeout, a client beyond MaxAPIConnections waits")
    func connectionLimits() async throws {
        try await withAPIDaemon(#""MaxAPIConnections": 2, "APIIdleTimeoutSeconds": 1"#) { api, port, _ in
            // Slowloris: a request line, then one header byte every 200 ms, never finished.
            let slow = try #require(loopbackConnection(port, blocking: true))
            defer { close(slow) }
            try await send(slow, "GET /api/health HTTP/1.1\r\nHost: x\r\n")
            let start = ContinuousClock.now
            var cut = false
            while ContinuousClock.now < start + .seconds(5), !cut {
                try await send(slow, "X")
                cut = try await closedWithin(slow, .milliseconds(200))
            }
            #expect(cut, "a connection trickling its headers stayed open for 5 s")

            // Two idle connections fill the cap; a third client is served once they are closed.
            let idle = [try #require(loopbackConnection(port, blocking: true)), try #require(loopbackConnection(port, blocking: true))]
            defer { for fd in idle { close(fd) } }
            try await Task.sleep(for: .milliseconds(200))
            let asked = ContinuousClock.now
            #expect(try await OrchestratorProcess.request("\(api)/health", method: "GET").status == 200)
            #expect(ContinuousClock.now - asked >= .milliseconds(500), "served beyond the cap at once")
            for fd in idle { #expect(try await closedWithin(fd, .seconds(3)), "an idle connection outlived the idle timeout") }

        }
    }

    @Test("a request body over 64 KiB closes the connection at once, whatever the idle timeout")
    func largeBodyClosesTheConnection() async throws {
        try await withAPIDaemon(#""APIIdleTimeoutSeconds": 60"#) { _, port, _ in
            // 200 KB of an announced 10 MB, then silence: only the body limit closes the
            // connection within seconds (Hummingbird alone would wait for the rest, and the
            // idle timeout is a minute).
            let big = try #require(loopbackConnection(port, blocking: true))
            defer { close(big) }
            #expect(try await send(big, "POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"))
            #expect(try await send(big, String(repeating: "x", count: 200_000)))
            #expect(try await closedWithin(big, .seconds(10)), "the connection stayed open after 200 KB of body")
        }
    }
}

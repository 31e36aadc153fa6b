import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Testing
@testable import Host

/// The access rules on their own, for clients a loopback-only test cannot be: remote
/// addresses (192.0.2.0/24 is reserved for documentation and never routed).
@Suite("API access rules: protected mode, cross-site, credentials")
struct APIAccessGuardTests {
    private func http(_ configure: (inout Configuration.HTTP) -> Void = { _ in }) -> Configuration.HTTP {
        var http = Configuration.HTTP()
        configure(&http)
        return http
    }

    private func context(_ address: String, port: Int = 40000) throws -> APIRequestContext {
        APIRequestContext(remoteAddress: try SocketAddress(ipAddress: address, port: port), logger: Logger(label: "test"))
    }

    private func request(_ method: HTTPRequest.Method = .get, headers: HTTPFields = [:]) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "orc.example:3000", path: "/api/disable-global-recoveries",
                                  headerFields: headers), body: RequestBody(buffer: ByteBuffer()))
    }

    private func refusal(_ guardian: APIAccessGuard, _ access: APIAccess, _ request: Request, _ context: APIRequestContext) -> APIError? {
        do {
            _ = try guardian.admit(access, request, context)
            return nil
        } catch let error as APIError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("no authentication: remote writes refused (protected mode), local ones and every read served; the key opens it")
    func remoteWriteRefusedInProtectedMode() throws {
        let guardian = APIAccessGuard(http: http(), logger: Logger(label: "test"))
        for remote in ["192.0.2.7", "2001:db8::7", "::ffff:192.0.2.7", "10.1.2.3"] {
            let error = refusal(guardian, .write, request(), try context(remote))
            #expect(error?.status == .forbidden && error?.code == "PROTECTED_MODE", "\(remote)")
            #expect(error?.message.contains("AllowRemoteUnauthenticatedWrites") == true)
            #expect(refusal(guardian, .write, request(.post), try context(remote))?.code == "PROTECTED_MODE")
            #expect(refusal(guardian, .read, request(), try context(remote)) == nil, "\(remote) cannot read")
            #expect(refusal(guardian, .open, request(), try context(remote)) == nil)
        }
        for local in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            #expect(refusal(guardian, .write, request(), try context(local)) == nil, "\(local)")
        }
        #expect(refusal(guardian, .write, request(), APIRequestContext(remoteAddress: try SocketAddress(unixDomainSocketPath: "/tmp/x.sock"),
                                                                        logger: Logger(label: "test"))) == nil)
        #expect(refusal(guardian, .write, request(), APIRequestContext(remoteAddress: nil, logger: Logger(label: "test")))?.code == "PROTECTED_MODE")

        let opened = APIAccessGuard(http: http { $0.allowRemoteUnauthenticatedWrites = true }, logger: Logger(label: "test"))
        #expect(refusal(opened, .write, request(), try context("192.0.2.7")) == nil)
        // With authentication the address does not matter; credentials do.
        let basic = APIAccessGuard(http: http { $0.authenticationMethod = .basic; $0.authUser = "dba"; $0.authPassword = "pw" }, logger: Logger(label: "test"))
        let credentials: HTTPFields = [.authorization: "Basic " + Data("dba:pw".utf8).base64EncodedString()]
        #expect(refusal(basic, .write, request(headers: credentials), try context("192.0.2.7")) == nil)
        #expect(refusal(basic, .write, request(), try context("192.0.2.7"))?.status == .unauthorized)
    }

    @Test("cross-site: Sec-Fetch-Site and Origin against Host")
    func crossSiteRules() {
        func reason(_ fields: HTTPFields) -> String? { APIAccessGuard.crossSiteReason(request(headers: fields)) }
        #expect(reason([:]) == nil)
        #expect(reason([APIAccessGuard.secFetchSite: "same-origin"]) == nil)
        #expect(reason([APIAccessGuard.secFetchSite: "none"]) == nil)
        #expect(reason([APIAccessGuard.secFetchSite: "cross-site"]) != nil)
        #expect(reason([APIAccessGuard.secFetchSite: "same-site"]) != nil)
        #expect(reason([.origin: "http://orc.example:3000"]) == nil)
        #expect(reason([.origin: "HTTP://ORC.EXAMPLE:3000"]) == nil)
        #expect(reason([.origin: "http://orc.example:3001"]) != nil)
        #expect(reason([.origin: "http://evil.example"]) != nil)
        #expect(reason([.origin: "null"]) != nil)
        let defaultPort = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "orc.example", path: "/api/x",
                                                    headerFields: [.origin: "http://orc.example:80"]), body: RequestBody(buffer: ByteBuffer()))
        #expect(APIAccessGuard.crossSiteReason(defaultPort) == nil)
    }

    @Test("credentials: user and password both compared, whatever the lengths")
    func credentialComparison() {
        let http = http { $0.authUser = "dba"; $0.authPassword = "secret" }
        #expect(APIAccessGuard.credentialsMatch(user: "dba", password: "secret", http: http))
        for (user, password) in [("dba", "secre"), ("dba", "secret!"), ("db", "secret"), ("dbA", "secret"), ("", ""), ("dba", "")] {
            #expect(!APIAccessGuard.credentialsMatch(user: user, password: password, http: http), "\(user):\(password)")
        }
    }

    @Test("the 401 backoff grows per source and forgets on success; its table stays bounded")
    func throttle() {
        let throttle = APIAuthThrottle()
        let start = ContinuousClock.now
        for _ in 0..<(APIAuthThrottle.freeFailures - 1) { throttle.failed("a", now: start) }
        #expect(throttle.remainingBlock("a", now: start) == nil)
        throttle.failed("a", now: start)
        #expect(throttle.remainingBlock("a", now: start) == .seconds(1))
        #expect(throttle.remainingBlock("b", now: start) == nil)
        throttle.failed("a", now: start + .seconds(1))
        #expect(throttle.remainingBlock("a", now: start + .seconds(1)) == .seconds(2))
        for i in 0..<20 { throttle.failed("a", now: start + .seconds(2 + i)) }
        #expect(throttle.remainingBlock("a", now: start + .seconds(21))! <= APIAuthThrottle.maximumBlock)
        throttle.succeeded("a")
        #expect(throttle.remainingBlock("a", now: start + .seconds(21)) == nil)
        for i in 0..<(APIAuthThrottle.maximumSources * 2) { throttle.failed("s\(i)", now: start) }
        #expect(throttle.count <= APIAuthThrottle.maximumSources)
    }
}

import Testing
@testable import Host

@Suite("API request parsing")
struct APIRequestParsingTests {
    @Test("basic credentials: user and password split at the first colon; malformed headers refused")
    func basicCredentials() {
        // "dba:secret:with:colons"
        let parsed = APIAccessMiddleware.basicCredentials("Basic ZGJhOnNlY3JldDp3aXRoOmNvbG9ucw==")
        #expect(parsed?.0 == "dba")
        #expect(parsed?.1 == "secret:with:colons")
        #expect(APIAccessMiddleware.basicCredentials(nil) == nil)
        #expect(APIAccessMiddleware.basicCredentials("Bearer abc") == nil)
        #expect(APIAccessMiddleware.basicCredentials("Basic !!!") == nil)
        #expect(APIAccessMiddleware.basicCredentials("Basic bm9jb2xvbg==") == nil) // "nocolon"
    }

    @Test("constant-time comparison is still a comparison")
    func compare() {
        #expect(APIAccessMiddleware.constantTimeEqual("secret", "secret"))
        #expect(!APIAccessMiddleware.constantTimeEqual("secret", "secreT"))
        #expect(!APIAccessMiddleware.constantTimeEqual("secret", "secret2"))
        #expect(!APIAccessMiddleware.constantTimeEqual("", "x"))
        #expect(APIAccessMiddleware.constantTimeEqual("", ""))
    }

    @Test("host names: DNS names, IPv4 and bracketed IPv6 only")
    func hostnames() {
        for good in ["db1", "db-1.example.com", "10.0.0.1", "[::1]", "under_score"] {
            #expect(APIParameters.isHostname(good), "\(good)")
        }
        for bad in ["", "a b", "db1;drop", "host'x", "[]", "../etc", "ho\u{0}st", "dbé"] {
            #expect(!APIParameters.isHostname(bad), "\(bad)")
        }
    }

    @Test("percent-encoding: every % starts two hex digits")
    func percent() {
        #expect(APIParameters.isWellFormedPercentEncoding("a%20b%2F"))
        #expect(APIParameters.isWellFormedPercentEncoding("plain"))
        #expect(!APIParameters.isWellFormedPercentEncoding("ho%zzst"))
        #expect(!APIParameters.isWellFormedPercentEncoding("end%2"))
        #expect(!APIParameters.isWellFormedPercentEncoding("%"))
    }

    @Test("the action of a path is its first segment, or v2/ and the next")
    func actions() {
        #expect(APIAccess.action(ofRelativePath: "discover/db1/5432") == "discover")
        #expect(APIAccess.action(ofRelativePath: "v2/clusters/x/instances") == "v2/clusters")
        #expect(APIAccess.action(ofRelativePath: "ack-all-recoveries") == "ack-all-recoveries")
        #expect(APIAccess.action(ofRelativePath: "") == "")
    }
}

import Testing
@testable import Host

@Suite("API request parsing")
struct APIRequestParsingTests {
    @Test("basic credentials: user and password split at the first colon; malformed headers refused")
    func basicCredentials() {
        // "dba:secret:with:colons"
        let parsed = APIAccessGuard.basicCredentials("Basic ZGJhOnNlY3JldDp3aXRoOmNvbG9ucw==")
        #expect(parsed?.0 == "dba")
        #expect(parsed?.1 == "secret:with:colons")
        #expect(APIAccessGuard.basicCredentials(nil) == nil)
        #expect(APIAccessGuard.basicCredentials("Bearer abc") == nil)
        #expect(APIAccessGuard.basicCredentials("Basic !!!") == nil)
        #expect(APIAccessGuard.basicCredentials("Basic bm9jb2xvbg==") == nil) // "nocolon"
    }

    @Test("constant-time comparison is still a comparison")
    func compare() {
        #expect(APIAccessGuard.difference("secret", "secret") == 0)
        #expect(APIAccessGuard.difference("secret", "secreT") != 0)
        #expect(APIAccessGuard.difference("secret", "secret2") != 0)
        #expect(APIAccessGuard.difference("", "x") != 0)
        #expect(APIAccessGuard.difference("", "") == 0)
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

    @Test("orchestrator-client's trailing newline is dropped, inner white space kept", arguments: [
        ("root\n", "root"), ("kernel upgrade \r\n", "kernel upgrade"), ("a\nb", "a\nb"), ("\n", ""), ("alice", "alice"),
    ])
    func trailingWhitespace(_ text: String, _ expected: String) {
        #expect(APIParameters.withoutTrailingWhitespace(text) == expected)
    }

    @Test("percent-encoding: every % starts two hex digits")
    func percent() {
        #expect(APIParameters.isWellFormedPercentEncoding("a%20b%2F"))
        #expect(APIParameters.isWellFormedPercentEncoding("plain"))
        #expect(!APIParameters.isWellFormedPercentEncoding("ho%zzst"))
        #expect(!APIParameters.isWellFormedPercentEncoding("end%2"))
        #expect(!APIParameters.isWellFormedPercentEncoding("%"))
    }
}

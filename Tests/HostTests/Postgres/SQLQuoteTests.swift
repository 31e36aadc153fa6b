import HookAPI
import Host
import PGClient
import Testing

@Suite("SQLQuote: the one audited SQL text builder")
struct SQLQuoteTests {
    @Test("literals double single quotes and keep backslashes", arguments: [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("''", "''''''"),
        (#"a\b"#, #"'a\b'"#),
        ("x'); DROP TABLE t; --", "'x''); DROP TABLE t; --'"),
        ("", "''"),
    ])
    func literal(value: String, expected: String) throws {
        #expect(try SQLQuote.literal(value) == expected)
    }

    @Test("identifiers double double quotes", arguments: [
        ("slot", "\"slot\""),
        ("My \"Slot\"", "\"My \"\"Slot\"\"\""),
    ])
    func identifier(value: String, expected: String) throws {
        #expect(try SQLQuote.identifier(value) == expected)
    }

    @Test("NUL bytes are refused")
    func refusesNUL() {
        #expect(throws: SQLQuote.Error.self) { try SQLQuote.literal("a\u{0}b") }
        #expect(throws: SQLQuote.Error.self) { try SQLQuote.identifier("a\u{0}b") }
    }
}

@Suite("LSN")
struct LSNTests {
    @Test("parses and prints PostgreSQL's X/Y form", arguments: ["0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF", "0/3000060"])
    func roundTrip(text: String) throws {
        let lsn = try #require(LSN(text))
        #expect(lsn.description == text)
    }

    @Test("orders by position")
    func ordering() throws {
        #expect(try #require(LSN("0/FFFFFFFF")) < #require(LSN("1/0")))
        #expect(LSN("1/0")?.value == 1 << 32)
    }

    @Test("rejects what is not an LSN", arguments: ["", "16", "/1", "1/", "G/1", "1/2/3", "123456789/0"])
    func rejects(text: String) {
        #expect(LSN(text) == nil)
    }
}

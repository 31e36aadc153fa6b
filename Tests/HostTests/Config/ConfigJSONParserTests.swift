import ConfigJSON
import Testing

@Suite("Config JSON parser")
struct ConfigJSONParserTests {
    private func parse(_ text: String) throws(ConfigJSONParser.SyntaxError) -> ConfigJSONValue {
        try ConfigJSONParser.parse(Array(text.utf8))
    }

    @Test("values, member order, duplicates and positions are kept")
    func structure() throws {
        let value = try parse("{\n  \"b\": [1, 2.5, -3e2, true, false, null],\n  \"a\": {\"x\": \"y\"},\n  \"b\": 1\n}")
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(members[0].value == .array([.number("1"), .number("2.5"), .number("-3e2"), .bool(true), .bool(false), .null]))
        #expect((members[1].line, members[1].column) == (3, 3))
        #expect(ConfigJSONValue.number("1").isWholeNumberLiteral && !ConfigJSONValue.number("1.0").isWholeNumberLiteral)
    }

    @Test("string escapes, surrogate pairs and a byte-order mark")
    func strings() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
        #expect(try ConfigJSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object([]))
        #expect(try parse(#""héllo""#) == .string("héllo"))
    }

    @Test("grammar violations are refused", arguments: [
        "01", "-", "1.", ".5", "+1", "1e", "[1,]", "{\"a\":1,}", "{'a':1}", "\"\\x\"", "\"\\ud800\"", "nul", "[1 2]", "{\"a\" 1}",
    ])
    func refused(text: String) {
        #expect(throws: ConfigJSONParser.SyntaxError.self) { try parse(text) }
    }

    @Test("columns count characters, not bytes")
    func columnsInCharacters() {
        do {
            _ = try parse("{\"é\": x}")
            Issue.record("accepted x")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == 7)
            #expect(error.found == "\"x\"")
        }
    }

    @Test("the writer escapes what the parser reads back")
    func writerRoundTrip() throws {
        let value = ConfigJSONValue.object([
            ConfigJSONMember(key: "k\"ey", value: .array([.string("a\u{01}\n\"\\"), .number("-1.5"), .null, .bool(true)])),
            ConfigJSONMember(key: "empty", value: .object([])),
        ])
        #expect(try parse(ConfigJSONWriter.compact(value)) == value)
        #expect(try parse(ConfigJSONWriter.pretty(value)) == value)
    }
}

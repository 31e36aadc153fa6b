package import ConfigJSON
import Foundation

/// The effective configuration as Orchestrator-style JSON, for logs and the API, with every
/// non-empty secret (`PostgreSQLTopologyPassword`, `HTTPAuthPassword`, the passwords of
/// blocks) replaced by `<redacted>`. Keys and order come from the key table, then the blocks'.
extension Configuration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The redacted JSON on one line.
    public var description: String { redactedJSON(pretty: false) }

    public var debugDescription: String { "Configuration(" + redactedJSON(pretty: false) + ")" }

    /// Redacted JSON text; indented when `pretty`.
    package func redactedJSON(pretty: Bool = true) -> String {
        let value = rendered(redact: true)
        return pretty ? ConfigJSONWriter.pretty(value) : ConfigJSONWriter.compact(value)
    }

    /// The redacted rendering as Foundation JSON objects (`String`, `Int`, `Double`, `Bool`,
    /// `NSNull`, arrays, dictionaries), ready for `JSONSerialization` or an API response.
    package func redactedDictionary() -> [String: Any] {
        guard case let dictionary as [String: Any] = Self.foundationObject(rendered(redact: true)) else { return [:] }
        return dictionary
    }

    /// One member per effective setting, in table order (first rendering of a key wins).
    package func rendered(redact: Bool) -> ConfigJSONValue {
        var members: [ConfigJSONMember] = []
        var seen = Set<String>()
        for key in ConfigKeys.honoured + blocks.keys {
            for member in key.render(self, redact) where seen.insert(member.key).inserted {
                members.append(member)
            }
        }
        return .object(members)
    }

    private static func foundationObject(_ value: ConfigJSONValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let text):
            if value.isWholeNumberLiteral, let integer = Int(text) { return integer }
            return Double(text) ?? 0
        case .string(let text): return text
        case .array(let elements): return elements.map(foundationObject)
        case .object(let members):
            var dictionary: [String: Any] = [:]
            for member in members { dictionary[member.key] = foundationObject(member.value) }
            return dictionary
        }
    }
}

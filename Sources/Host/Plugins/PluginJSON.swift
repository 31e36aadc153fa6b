import ConfigJSON
import Foundation
import HookAPI

/// The one JSON shape of events, shared by drop-in executables (stdin) and Lua (the same
/// document as a table): the event's fields in camelCase, `point` in snake_case, LSNs as
/// `X/Y` text, addresses as `{"host":…,"port":…}`; absent values are left out.
enum PluginJSON {
    static func encode(_ event: PluginEvent) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types into JSON cannot fail; an empty object is the safe fallback.
        return (try? encoder.encode(Envelope(event: event))) ?? Data("{}".utf8)
    }

    static func luaValue(_ event: PluginEvent) -> LuaValue {
        (try? parse(encode(event))) ?? .table(LuaTable())
    }

    /// Parses JSON text into a Lua value (objects become tables with string keys, arrays
    /// sequences, whole numbers integers).
    static func parse(_ data: Data) throws(PluginError) -> LuaValue {
        do {
            return luaValue(try ConfigJSONParser.parse([UInt8](data)))
        } catch {
            throw PluginError("not valid JSON (line \(error.line), column \(error.column): found \(error.found), expected \(error.expected))")
        }
    }

    static func luaValue(_ json: ConfigJSONValue) -> LuaValue {
        switch json {
        case .null: return .nil
        case .bool(let flag): return .bool(flag)
        case .number(let text):
            if json.isWholeNumberLiteral, let integer = Int64(text) { return .integer(integer) }
            return .number(Double(text) ?? 0)
        case .string(let text): return .string(text)
        case .array(let elements): return .table(LuaTable(array: elements.map(luaValue)))
        case .object(let members):
            var fields: [String: LuaValue] = [:]
            for member in members { fields[member.key] = luaValue(member.value) }
            return .table(LuaTable(fields: fields))
        }
    }

    private struct Envelope: Encodable {
        let event: PluginEvent

        enum Key: String, CodingKey { case point, isSuccessful }

        func encode(to encoder: any Encoder) throws {
            switch event {
            case .discovery(let inner): try inner.encode(to: encoder)
            case .clusterName(let inner): try inner.encode(to: encoder)
            case .analysis(let inner): try inner.encode(to: encoder)
            case .recovery(_, let inner):
                try inner.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(inner.isSuccessful, forKey: .isSuccessful)
            }
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(event.point.snakeCaseName, forKey: .point)
        }
    }
}

import Foundation
import Hummingbird

/// Path parameters, checked before any handler uses them: percent-decoded, no control
/// characters (a `%00` never reaches a log line or a libpq connection string), bounded length,
/// and ports that are ports. Every refusal is a 400 that names the parameter and the problem.
enum APIParameters {
    static let maximumLength = 255

    static func text(_ context: BasicRequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw APIError.badRequest("Missing parameter \(name)")
        }
        guard Self.isWellFormedPercentEncoding(raw), let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("Invalid \(name) \"\(raw.prefix(40))\": malformed percent-encoding")
        }
        guard !decoded.isEmpty else { throw APIError.badRequest("Empty \(name)") }
        guard decoded.utf8.count <= maximumLength else {
            throw APIError.badRequest("Invalid \(name): longer than \(maximumLength) bytes")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("Invalid \(name) \"\(visible(decoded))\": control characters are not allowed")
        }
        return decoded
    }

    /// Every `%` starts two hex digits (Foundation's decoder lets some malformed ones through).
    static func isWellFormedPercentEncoding(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, Character(Unicode.Scalar(bytes[i + 1])).isHexDigit,
                      Character(Unicode.Scalar(bytes[i + 2])).isHexDigit else { return false }
                i += 3
            } else {
                i += 1
            }
        }
        return true
    }

    /// `:host` and `:port` as an instance key.
    static func instanceKey(_ context: BasicRequestContext, host hostName: String = "host", port portName: String = "port") throws -> InstanceKey {
        let host = try text(context, hostName)
        let portText = try text(context, portName)
        guard portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65535).contains(port) else {
            throw APIError.invalidInstance("Invalid port \"\(visible(portText))\": expected a number from 1 to 65535")
        }
        guard isHostname(host), let key = InstanceKey(parsing: host, defaultPort: port), key.port == port else {
            throw APIError.invalidInstance("Invalid host \"\(visible(host))\": expected a host name, an IPv4 address or a bracketed IPv6 address")
        }
        return key
    }

    /// Letters, digits, `.-_`, or an IPv6 literal in brackets; what DNS names and addresses use.
    static func isHostname(_ host: String) -> Bool {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            return host.count > 2 && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" }
        }
        return !host.isEmpty && host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// A bounded, printable rendering of what the client sent, for messages.
    static func visible(_ text: String) -> String {
        String(text.prefix(60).unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}

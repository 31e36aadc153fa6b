import Foundation
import Hummingbird

/// Path parameters, checked before any handler uses them: percent-decoded, no control
/// characters (a `%00` never reaches a log line or a libpq connection string), bounded length,
/// and ports that are ports. Every refusal is a 400 that names the parameter and the problem.
enum APIParameters {
    static let maximumLength = 255

    static func text(_ context: APIRequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw APIError.badRequest("Missing parameter \(name)")
        }
        guard Self.isWellFormedPercentEncoding(raw), let percentDecoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("Invalid \(name) \"\(raw.prefix(40))\": malformed percent-encoding")
        }
        let decoded = Self.withoutTrailingWhitespace(percentDecoded)
        guard !decoded.isEmpty else { throw APIError.badRequest("Empty \(name)") }
        guard decoded.utf8.count <= maximumLength else {
            throw APIError.badRequest("Invalid \(name): longer than \(maximumLength) bytes")
        }
        guard !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("Invalid \(name) \"\(visible(decoded))\": control characters are not allowed")
        }
        return decoded
    }

    /// The highest page number a paged route accepts: `page * pageSize` stays far from overflow
    /// (one page more is a 400, never a trap that would stop the daemon).
    static let maximumPage = 1_000_000

    /// `:name` as a page number, 0 ... `maximumPage`.
    static func page(_ context: APIRequestContext, _ name: String = "page") throws -> Int {
        try page(text: text(context, name), name: name)
    }

    /// A page number from a path or query parameter; the 400 names it and the range.
    static func page(text: String, name: String, code: String = "BAD_REQUEST") throws -> Int {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let page = Int(text), page <= maximumPage else {
            throw APIError.badRequest("Invalid \(name) \"\(visible(text))\": expected a whole number from 0 to \(maximumPage)", code: code)
        }
        return page
    }

    /// `:name` as a non-negative 64-bit number (a recovery id).
    static func number(_ context: APIRequestContext, _ name: String) throws -> Int64 {
        let text = try text(context, name)
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text) else {
            throw APIError.badRequest("Invalid \(name) \"\(visible(text))\": expected a non-negative whole number")
        }
        return value
    }

    /// An optional query parameter, checked as path parameters are ("" when absent).
    static func query(_ request: Request, _ name: String) throws -> String? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        let value = Self.withoutTrailingWhitespace(String(raw))
        guard value.utf8.count <= maximumLength * 4 else {
            throw APIError.badRequest("Invalid \(name): longer than \(maximumLength * 4) bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("Invalid \(name) \"\(visible(value))\": control characters are not allowed")
        }
        return value
    }

    /// orchestrator-client URL-encodes what `echo` gave it, newline included (`root%0A`): the
    /// fork's server accepts that, so trailing white space (a newline too) is dropped; any other
    /// control character is still refused.
    static func withoutTrailingWhitespace(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
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
    static func instanceKey(_ context: APIRequestContext, host hostName: String = "host", port portName: String = "port") throws -> InstanceKey {
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

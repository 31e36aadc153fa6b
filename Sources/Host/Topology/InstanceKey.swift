import Foundation

/// An instance is `host:port`. Keys are normalised so that spellings PostgreSQL itself writes
/// (`host='db1'` in `primary_conninfo`, `[::1]`, upper case) do not split one server in two.
public struct InstanceKey: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    package let host: String
    package let port: Int

    package init(host: String, port: Int) {
        self.host = Self.normalise(host)
        self.port = port
    }

    /// A key from a host a monitored server reported (WAL sender, `primary_conninfo`,
    /// `client_hostname`): nil unless the host is a plausible name or address and the port is
    /// in 1…65535. Such text is attacker-controlled data; it later lands in connection strings,
    /// logs and hook placeholders (`ssh {failedHost}`), where a leading `-` is an option.
    package init?(reportedHost host: String, port: Int) {
        let normalised = Self.normalise(host)
        guard host.utf8.count <= 300, (1...65535).contains(port), Self.isValidHost(normalised) else { return nil }
        self.init(host: normalised, port: port)
    }

    /// `host:port`, `[v6]:port`, or a bare host with `defaultPort`. Nil when malformed, the
    /// port is outside 1…65535, or the text carries a NUL or is absurdly long.
    package init?(parsing text: String, defaultPort: Int) {
        guard text.utf8.count <= 300, !text.utf8.contains(0) else { return nil }
        var hostText = Substring(text)
        var port = defaultPort
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            hostText = text[..<colon]
            guard let p = Int(text[text.index(after: colon)...]) else { return nil }
            port = p
        } else if text.contains(":") {
            // Several colons without brackets: only a bare IPv6 address, with the default port.
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        }
        guard (1...65535).contains(port) else { return nil }
        let host = Self.normalise(String(hostText))
        guard Self.isValidHost(host) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (lhs: InstanceKey, rhs: InstanceKey) -> Bool {
        (lhs.host, lhs.port) < (rhs.host, rhs.port)
    }

    /// Letters, digits and `-._:%/` (names, addresses, zone ids, socket directories), at most
    /// 255 bytes, and never a leading `-` (it would read as an option wherever a host is
    /// passed on a command line).
    static func isValidHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 255 && !host.hasPrefix("-")
            && host.allSatisfy { $0.isLetter || $0.isNumber || "-._:%/".contains($0) }
    }

    /// Strips quotes and IPv6 brackets, lower-cases (host names are case-insensitive).
    static func normalise(_ raw: String) -> String {
        // Already normal (the usual case, checked at every probe): nothing to strip or lower.
        if raw.utf8.allSatisfy({ !($0 >= 65 && $0 <= 90) && $0 != 32 && $0 != 9 && $0 != 39 && $0 != 34 && $0 != 91 && $0 < 128 }) {
            return raw
        }
        var host = raw.trimmingCharacters(in: .whitespaces)
        while host.count >= 2, let first = host.first, first == host.last, first == "'" || first == "\"" {
            host = String(host.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.lowercased()
    }
}

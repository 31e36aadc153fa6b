/// A `host:port` address: a discovery seed, the HTTP listen address, a plugin's endpoint.
/// IPv6 hosts are written in brackets (`[::1]:5432`); `description` writes them that way too.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses `host:port`, `[v6]:port`, or (when `defaultPort` is given) a bare `host` / `[v6]`.
    /// Returns nil for anything else, including ports outside 1...65535.
    public init?(parsing text: String, defaultPort: Int? = nil) {
        guard case .success(let value) = Self.parse(text, defaultPort: defaultPort, allowEmptyHost: false) else { return nil }
        self = value
    }

    /// Why a text is not an address; phrased to follow "expected ...".
    enum Problem: Error, Equatable {
        case malformed
        case missingHost
        case missingPort
        case badPort
    }

    static func parse(_ text: String, defaultPort: Int?, allowEmptyHost: Bool) -> Result<HostPort, Problem> {
        let host: String
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.malformed) }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else {
                return .failure(.malformed)
            }
            if host.isEmpty { return .failure(.missingHost) }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            switch parts.count {
            case 1:
                host = text
                portText = nil
            case 2:
                host = String(parts[0])
                portText = parts[1]
            default:
                // More than one colon: an IPv6 address without brackets, ambiguous with a port.
                return .failure(.malformed)
            }
            if host.isEmpty, !allowEmptyHost { return .failure(.missingHost) }
        }
        if host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" }) {
            return .failure(.malformed)
        }
        guard let portText else {
            guard let defaultPort else { return .failure(.missingPort) }
            return .success(HostPort(host: host, port: defaultPort))
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 5,
              let port = Int(portText), (1...65535).contains(port) else {
            return .failure(.badPort)
        }
        return .success(HostPort(host: host, port: port))
    }
}

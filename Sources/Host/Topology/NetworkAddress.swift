import Foundation

/// An IPv4 or IPv6 address as bytes, for comparing addresses whatever their spelling
/// (`::ffff:10.0.0.1` is `10.0.0.1`).
package struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    package let bytes: [UInt8]

    /// Nil unless `text` is an IPv4 or IPv6 literal (an IPv6 zone `%eth0` is ignored).
    package init?(_ text: String) {
        let literal = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, literal, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        // An IPv4-mapped IPv6 address is the IPv4 address.
        if all[0..<10].allSatisfy({ $0 == 0 }), all[10] == 0xff, all[11] == 0xff {
            bytes = Array(all[12..<16])
        } else {
            bytes = all
        }
    }

    /// 127.0.0.0/8 or ::1: this machine, whichever of them a name resolves to.
    package var isLoopback: Bool {
        bytes.count == 4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    package var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}

/// One `address/prefix` network of `DiscoveryAllowedNetworks`.
package struct Network: Sendable, Equatable, CustomStringConvertible {
    package let address: NetworkAddress
    package let prefixLength: Int

    /// `10.0.0.0/8`, `fd00::/8`, or a bare address (a network of one).
    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = NetworkAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
    }

    package func contains(_ other: NetworkAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, other.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    package var description: String { "\(address)/\(prefixLength)" }
}

/// `DiscoveryAllowedNetworks`: where the daemon may connect. Empty allows every address.
package struct AllowedNetworks: Sendable, Equatable {
    package let networks: [Network]

    package init(_ networks: [Network] = []) { self.networks = networks }

    /// From the configuration's strings, each validated at load time (invalid ones are skipped).
    package init(parsing texts: [String]) { self.init(texts.compactMap(Network.init)) }

    package var allowsAll: Bool { networks.isEmpty }

    package func allows(_ address: NetworkAddress) -> Bool {
        allowsAll || networks.contains { $0.contains(address) }
    }
}

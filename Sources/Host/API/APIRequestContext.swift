import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of every API route: Hummingbird's core storage, plus who is asking
/// (the peer address, for protected mode, the 401 backoff and the audit) and, once the
/// access check has passed, as which user.
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer, or a Unix-socket address (no IP) when serving on `ListenSocket`.
    let remoteAddress: SocketAddress?
    /// The authenticated user: `HTTPAuthUser`, `readonly`, or "" without authentication.
    var user = ""

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// A context without a channel (unit tests of the access rules).
    init(remoteAddress: SocketAddress?, logger: Logger) {
        coreContext = .init(source: Detached(logger: logger))
        self.remoteAddress = remoteAddress
    }

    private struct Detached: RequestContextSource {
        let logger: Logger
    }

    /// A local client: loopback (127.0.0.0/8, ::1, IPv4-mapped loopback) or the Unix socket,
    /// whose file mode decides who can connect. Proxies on this host count as local too.
    var isLocalClient: Bool {
        guard let remoteAddress else { return false }
        switch remoteAddress {
        case .unixDomainSocket: return true
        case .v4(let address): return Self.isLoopbackV4(address.address.sin_addr.s_addr)
        case .v6(let address):
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            if bytes == Array(repeating: 0, count: 15) + [1] { return true }
            let mapped = Array(repeating: UInt8(0), count: 10) + [0xff, 0xff]
            return Array(bytes.prefix(12)) == mapped && bytes[12] == 127
        }
    }

    private static func isLoopbackV4(_ networkOrder: UInt32) -> Bool {
        UInt32(bigEndian: networkOrder) >> 24 == 127
    }

    /// The client as logs and the audit show it: `address:port`, or `unix-socket`.
    var clientDescription: String {
        guard let remoteAddress else { return "unknown" }
        if case .unixDomainSocket = remoteAddress { return "unix-socket" }
        guard let ip = remoteAddress.ipAddress else { return "unknown" }
        return remoteAddress.protocol == .inet6 ? "[\(ip)]:\(remoteAddress.port ?? 0)" : "\(ip):\(remoteAddress.port ?? 0)"
    }

    /// The client's address without the port: the key of the 401 backoff.
    var clientHost: String {
        guard let remoteAddress else { return "unknown" }
        if case .unixDomainSocket = remoteAddress { return "unix-socket" }
        return remoteAddress.ipAddress ?? "unknown"
    }
}

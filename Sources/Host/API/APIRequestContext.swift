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
        if case .unixDomainSocket = remoteAddress { return true }
        guard let text = remoteAddress.ipAddress, let address = NetworkAddress(text) else { return false }
        if address.isLoopback { return true }
        // An IPv4-mapped IPv6 loopback (::ffff:127.x.y.z) from a dual-stack listener.
        let bytes = address.bytes
        return bytes.count == 16 && bytes.prefix(12).elementsEqual([UInt8](repeating: 0, count: 10) + [0xff, 0xff]) && bytes[12] == 127
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

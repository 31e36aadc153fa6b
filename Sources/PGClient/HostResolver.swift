import Foundation
import Synchronization

/// Resolves host names before libpq sees them.
///
/// `PQconnectStartParams` resolves a host name synchronously, which would block the calling
/// thread for as long as DNS takes. We resolve on a Dispatch worker (never the cooperative
/// pool), give libpq the address as `hostaddr` (keeping `host` for TLS and messages), and stop
/// waiting at the connect deadline even if the lookup itself hangs.
package enum HostResolver {
    /// False for IP literals, socket directories and multi-host lists (libpq handles those).
    package static func needsLookup(_ host: String) -> Bool {
        if host.isEmpty || host.hasPrefix("/") || host.hasPrefix("@") || host.contains(",") { return false }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) != 1 && inet_pton(AF_INET6, host, &v6) != 1
    }

    package static func resolve(_ host: String, endpoint: String, deadline: ContinuousClock.Instant) async throws(PGError) -> String {
        let result: Result<String, PGError> = await withCheckedContinuation { continuation in
            let once = Mutex<CheckedContinuation<Result<String, PGError>, Never>?>(continuation)
            let finish: @Sendable (Result<String, PGError>) -> Void = { result in
                once.withLock { $0.take() }?.resume(returning: result)
            }
            DispatchQueue.global().async {
                finish(lookup(host, endpoint: endpoint))
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            let nanos = max(0, remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanos))) {
                finish(.failure(PGError(.timeout, endpoint: endpoint, operation: "connect",
                                        message: "resolving host name \"\(host)\" took longer than the deadline")))
            }
        }
        return try result.get()
    }

    private static func lookup(_ host: String, endpoint: String) -> Result<String, PGError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            return .failure(PGError(.connectionFailed, endpoint: endpoint, operation: "connect",
                                    message: "could not resolve host name \"\(host)\": \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}

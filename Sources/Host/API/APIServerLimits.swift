import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// What one client can take from the API server: a connection that completes no request for
/// `APIIdleTimeoutSeconds` is closed (idle keep-alive, or headers trickling in), headers and
/// bodies are bounded, and `MaxAPIConnections` caps the connections open at once (the
/// `MaximumAvailableConnections` of `APIServer`). Together they keep the file descriptors a
/// failover needs (fresh PostgreSQL connections, hook pipes) out of reach of API clients.
enum APIServerLimits {
    /// No route reads a body; a client sending more than this is cut off.
    static let maximumBodyBytes = 64 * 1024
    static let maximumHeaderFieldBytes = 16 * 1024
    static let maximumHeaderBytes = 32 * 1024
    static let maximumHeaderFields = 100
    /// Descriptors kept free for everything but API connections.
    static let reservedDescriptors = 256

    static func channelConfiguration(_ http: Configuration.HTTP) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestBodyLimitHandler(limit: maximumBodyBytes)],
            idleTimeout: .seconds(Int64(http.idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maximumHeaderFieldBytes, maxHeaderListSize: maximumHeaderBytes,
                                            maxHeaderFieldCount: maximumHeaderFields))
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit (as Go and many daemons do) and warns
    /// when `MaxAPIConnections` would still leave fewer than `reservedDescriptors` for the rest.
    static func prepareDescriptors(_ http: Configuration.HTTP, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur)
        if http.maxConnections > available - reservedDescriptors {
            let warning = "MaxAPIConnections \(http.maxConnections) leaves fewer than \(reservedDescriptors) of the \(available) file descriptors "
                + "this process may open for failovers; lower it or raise the open-files limit (ulimit -n, LimitNOFILE=)"
            logger.warning("\(warning)")
        }
    }
}

/// Closes a connection whose request body exceeds `limit` bytes: Hummingbird would otherwise
/// read and discard any amount after the answer.
final class RequestBodyLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: Int
    private var received = 0

    init(limit: Int) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            received = 0
        case .body(let buffer):
            received += buffer.readableBytes
            if received > limit {
                context.close(promise: nil)
                return
            }
        case .end:
            break
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RequestBodyLimitHandler: Sendable {}

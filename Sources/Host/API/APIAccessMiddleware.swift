import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Decides whether a request may use a route of a given `APIAccess` class.
///
/// As upstream: with `basic` every request but the open probes needs `HTTPAuthUser` /
/// `HTTPAuthPassword`; `multi` also lets user `readonly` in with any password, for reads only;
/// `ReadOnly` refuses every write whoever asks. Added here: protected mode (no authentication
/// means writes from local clients only), no cross-site writes, and a per-source backoff
/// after wrong credentials.
struct APIAccessGuard: Sendable {
    let http: Configuration.HTTP
    let throttle: APIAuthThrottle
    let logger: Logger

    init(http: Configuration.HTTP, throttle: APIAuthThrottle = APIAuthThrottle(), logger: Logger) {
        self.http = http
        self.throttle = throttle
        self.logger = logger
    }

    static let readOnlyUser = "readonly"

    /// The context with `user` set, or the refusal (401, 403, 429) as an `APIError`.
    func admit(_ access: APIAccess, _ request: Request, _ context: APIRequestContext) throws -> APIRequestContext {
        guard access != .open else { return context }
        var context = context
        context.user = try authenticatedUser(request, context)
        guard access == .write else { return context }
        if http.readOnly {
            throw APIError(status: .forbidden, code: "READ_ONLY",
                           message: "Refused: this orchestrator runs with ReadOnly set, so nothing can be changed through the API; unset ReadOnly in the config to allow it")
        }
        if http.authenticationMethod == .multi, context.user == Self.readOnlyUser {
            throw APIError(status: .forbidden, code: "FORBIDDEN",
                           message: "Unauthorized: user \"readonly\" may only read; authenticate as HTTPAuthUser to change anything")
        }
        if http.writesFromLocalClientsOnly, !context.isLocalClient {
            throw APIError(status: .forbidden, code: "PROTECTED_MODE",
                           message: "Refused: without AuthenticationMethod this API accepts changes from local clients only (loopback or ListenSocket); "
                               + "set AuthenticationMethod \"basic\" or \"multi\", or AllowRemoteUnauthenticatedWrites: true to accept them from anywhere")
        }
        if let reason = Self.crossSiteReason(request) {
            throw APIError(status: .forbidden, code: "CROSS_SITE",
                           message: "Refused: a browser sent this change from another site (\(reason)); call the API directly, not from a web page")
        }
        return context
    }

    /// Whether the request could read: open probes tell more to such a client. Wrong
    /// credentials count towards the backoff here too, so a probe is no free password oracle.
    func mayRead(_ request: Request, _ context: APIRequestContext) -> Bool {
        (try? authenticatedUser(request, context)) != nil
    }

    /// The user the request authenticated as ("" without authentication), or a 401 / 429.
    private func authenticatedUser(_ request: Request, _ context: APIRequestContext) throws -> String {
        guard http.authenticationMethod != .none else { return "" }
        let source = context.clientHost
        if let wait = throttle.remainingBlock(source) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            throw APIError(status: .tooManyRequests, code: "TOO_MANY_FAILURES",
                           message: "Refused: too many wrong credentials from \(source); retry in \(seconds) s",
                           headers: [.retryAfter: "\(seconds)"])
        }
        guard let (user, password) = Self.basicCredentials(request.headers[.authorization]) else {
            throw unauthorized("Unauthorized: this API needs HTTP basic authentication (user and password)")
        }
        if http.authenticationMethod == .multi, user == Self.readOnlyUser { return user }
        guard Self.credentialsMatch(user: user, password: password, http: http) else {
            throttle.failed(source)
            logger.notice("API: wrong credentials", metadata: ["source": "\(context.clientDescription)", "path": "\(request.uri.path.prefix(200))"])
            throw unauthorized("Unauthorized: wrong user or password")
        }
        throttle.succeeded(source)
        return user
    }

    private func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "UNAUTHORIZED", message: message,
                 headers: [.wwwAuthenticate: "Basic realm=\"orchestrator\""])
    }

    /// `Authorization: Basic base64(user:password)`, split at the first colon.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.utf8.count < maximumCredentialLength else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    static let maximumCredentialLength = 4096

    /// User and password compared together, each over a length that does not depend on what
    /// the client sent (given values are shorter than `maximumCredentialLength`), and without
    /// stopping at the first difference: timing tells neither which part was wrong nor how
    /// much of a guess matched, nor the configured lengths' relation to the guess.
    static func credentialsMatch(user: String, password: String, http: Configuration.HTTP) -> Bool {
        (difference(user, http.authUser) | difference(password, http.authPassword.value)) == 0
    }

    static func difference(_ given: String, _ expected: String) -> UInt8 {
        let x = Array(given.utf8), y = Array(expected.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(y.count, maximumCredentialLength) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference
    }

    /// Why a browser marks this request as coming from another site, or nil. `Sec-Fetch-Site`
    /// (sent by current browsers on every request) must not be `cross-site` or `same-site`;
    /// an `Origin` (sent on cross-origin and on POST requests) must name this server's `Host`.
    /// Clients that are not browsers send neither.
    static func crossSiteReason(_ request: Request) -> String? {
        if let site = request.headers[secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" {
            return "Sec-Fetch-Site: \(site)"
        }
        guard let origin = request.headers[.origin] else { return nil }
        let host = (request.head.authority ?? "").lowercased()
        guard let schemeEnd = origin.range(of: "://") else { return "Origin: \(origin.prefix(100))" }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        let originHost = origin[schemeEnd.upperBound...].lowercased()
        let defaultPort = scheme == "https" ? ":443" : ":80"
        func bare(_ authority: String) -> String {
            authority.hasSuffix(defaultPort) ? String(authority.dropLast(defaultPort.count)) : authority
        }
        return !host.isEmpty && bare(originHost) == bare(host) ? nil : "Origin \(origin.prefix(100)) is not Host \(host.prefix(100))"
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}

/// Requests no route matches (404, or 405 for another method) are checked as writes: an
/// unknown path fails closed rather than open.
struct APIUnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let access: APIAccessGuard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The router sets `endpointPath` before a matched route's middlewares run; a request
        // that reaches the not-found responder has none.
        guard context.endpointPath == nil else { return try await next(request, context) }
        return try await next(request, try access.admit(.write, request, context))
    }
}

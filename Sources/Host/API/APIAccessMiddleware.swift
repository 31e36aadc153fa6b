import Foundation
import HTTPTypes
import Hummingbird

/// Enforces `AuthenticationMethod` and `ReadOnly` per route, from `APIAccess.byAction`.
///
/// As upstream: with `basic` every request but the open probes needs `HTTPAuthUser` /
/// `HTTPAuthPassword`; `multi` also lets user `readonly` in with any password, for reads only;
/// `ReadOnly` refuses every write whoever asks.
struct APIAccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let http: Configuration.HTTP
    /// The API's path root, "/api/" or "/<URLPrefix>/api/".
    let apiRoot: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // No endpoint: the router found no route, and the answer will be a 404 (after authentication).
        let access = context.endpointPath.map(access(of:)) ?? .read
        if access == .open { return try await next(request, context) }
        let user = try authenticatedUser(request)
        if access == .write {
            if http.readOnly {
                throw APIError(status: .forbidden, code: "READ_ONLY",
                               message: "Refused: this orchestrator runs with ReadOnly set, so nothing can be changed through the API; unset ReadOnly in the config to allow it")
            }
            if http.authenticationMethod == .multi, user == Self.readOnlyUser {
                throw APIError(status: .forbidden, code: "FORBIDDEN",
                               message: "Unauthorized: user \"readonly\" may only read; authenticate as HTTPAuthUser to change anything")
            }
        }
        return try await next(request, context)
    }

    /// Routes outside the API (`/metrics`) and unknown paths are reads.
    private func access(of path: String) -> APIAccess {
        guard path.hasPrefix(apiRoot) else { return .read }
        return APIAccess.of(relativePath: path.dropFirst(apiRoot.count))
    }

    /// The user the request authenticated as ("" without authentication), or a 401.
    private func authenticatedUser(_ request: Request) throws -> String {
        guard http.authenticationMethod != .none else { return "" }
        guard let (user, password) = Self.basicCredentials(request.headers[.authorization]) else {
            throw unauthorized("Unauthorized: this API needs HTTP basic authentication (user and password)")
        }
        if http.authenticationMethod == .multi, user == Self.readOnlyUser { return user }
        guard Self.constantTimeEqual(user, http.authUser), Self.constantTimeEqual(password, http.authPassword.value) else {
            throw unauthorized("Unauthorized: wrong user or password")
        }
        return user
    }

    private func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, code: "UNAUTHORIZED", message: message,
                 headers: [.wwwAuthenticate: "Basic realm=\"orchestrator\""])
    }

    static let readOnlyUser = "readonly"

    /// `Authorization: Basic base64(user:password)`, split at the first colon.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.count < 4096 else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Compares without stopping at the first difference, so timing tells nothing about how
    /// much of a guessed password was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}

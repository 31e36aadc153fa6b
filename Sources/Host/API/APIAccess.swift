/// What a route needs. Each route gets its class when it is registered (`APIRoutes.open`,
/// `read`, `write`), so the check never depends on matching the request path against a table.
/// A request no route matches is checked as a write (fail closed).
enum APIAccess: String, Sendable, Equatable {
    /// Liveness and leadership probes: answered without credentials, so load balancers and
    /// orchestrator-client's leader detection work whatever the authentication. What they
    /// tell a client without read access is reduced (`HealthRoutes`).
    case open
    /// Reads: any authenticated user, the `multi` method's `readonly` user included.
    case read
    /// Changes state: served on GET (upstream's clients) and POST; an authenticated user other
    /// than `readonly`, not `ReadOnly`, not cross-site, and under `AuthenticationMethod ""` a
    /// local client unless `AllowRemoteUnauthenticatedWrites`. Audited.
    case write
}

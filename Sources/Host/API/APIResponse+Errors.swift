extension APIResponse {
    /// The error answers a route has because of how it is registered, so no operation repeats
    /// them: none for an open probe (it asks for no credentials; a probe's own failures are
    /// in its operation); for a read, the refusal of missing or wrong credentials and, under
    /// `/api`, a malformed parameter and an unknown object (v1: `ERROR` with HTTP 500, v2: 404);
    /// for a write, also the refusals of `APIAccessGuard` (403).
    static func errors(_ access: APIAccess, _ version: APIVersion) -> [Int: APIResponse] {
        switch access {
        case .open: [:]
        case .read: readErrors(version)
        case .write: readErrors(version).merging([403: refusedWrite(version)]) { $1 }
        }
    }

    private static func readErrors(_ version: APIVersion) -> [Int: APIResponse] {
        switch version {
        case .v1:
            [400: .json("Malformed host, port or parameter", .ref(.errorEnvelope)),
             401: .json("Authentication required (AuthenticationMethod basic or multi)", .ref(.errorEnvelope)),
             429: .json("Too many wrong credentials from this address; retry after Retry-After seconds", .ref(.errorEnvelope)),
             500: .json("ERROR envelope: unknown instance or cluster, or the action failed", .ref(.errorEnvelope))]
        case .v2:
            [400: .json("Malformed parameter", .ref(.v2Error)),
             401: .json("Authentication required", .ref(.v2Error)),
             404: .json("Unknown cluster or instance", .ref(.v2Error))]
        case .unversioned:
            [401: .json("Authentication required", .ref(.errorEnvelope))]
        }
    }

    private static func refusedWrite(_ version: APIVersion) -> APIResponse {
        .json("Refused: ReadOnly mode, the multi method's readonly user, protected mode (AuthenticationMethod \"\" and a client "
                + "that is not local), or a cross-site browser request (Sec-Fetch-Site, Origin)",
              .ref(version == .v2 ? .v2Error : .errorEnvelope))
    }
}

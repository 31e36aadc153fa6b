/// What a route needs when `AuthenticationMethod` or `ReadOnly` is on.
enum APIAccess: Sendable, Equatable {
    /// Liveness and leadership probes: answered without credentials, so load balancers and
    /// orchestrator-client's leader detection work whatever the authentication.
    case open
    /// Reads: any authenticated user, the `multi` method's `readonly` user included.
    case read
    /// Changes state: an authenticated user other than `readonly`, and refused in `ReadOnly`.
    case write

    /// The one classification table, keyed by a route's action: the first path segment after
    /// `/api/` (`discover` for `/api/discover/:host/:port`, `ack-recovery` for every
    /// `/api/ack-recovery/...`), or `v2/` plus the next segment for v2 routes. Every
    /// registered route's action must be here (a unit test checks); recovery, downtime and
    /// takeover actions are listed already so they are protected the moment they are served.
    static let byAction: [String: APIAccess] = [
        "health": .open, "leader-check": .open, "status": .open, "v2/status": .open,
        "openapi.json": .read,
        // Topology reads.
        "instance": .read, "all-instances": .read, "instance-replicas": .read,
        "clusters": .read, "clusters-info": .read, "cluster": .read, "cluster-info": .read,
        "master": .read, "masters": .read, "topology": .read,
        "v2/clusters": .read, "v2/instances": .read,
        // Topology changes.
        "discover": .write, "async-discover": .write, "refresh": .write,
        "forget": .write, "forget-cluster": .write, "set-cluster-alias": .write,
        // Analysis, recovery and downtime (served by the recovery routes).
        "replication-analysis": .read, "audit-recovery": .read, "audit-recovery-steps": .read,
        "audit-failure-detection": .read, "blocked-recoveries": .read, "check-global-recoveries": .read,
        "active-cluster-recovery": .read, "recently-active-cluster-recovery": .read, "downtimed": .read,
        "automated-recovery-filters": .read, "problems": .read, "v2/recoveries": .read,
        "recover": .write, "recover-lite": .write, "graceful-master-takeover": .write,
        "graceful-master-takeover-auto": .write, "force-master-failover": .write, "force-master-takeover": .write,
        "register-candidate": .write, "ack-recovery": .write, "ack-all-recoveries": .write,
        "disable-global-recoveries": .write, "enable-global-recoveries": .write,
        "begin-downtime": .write, "end-downtime": .write, "begin-maintenance": .write, "end-maintenance": .write,
        "plugins": .read, "reload-configuration": .write, "relocate": .write, "move-below": .write,
    ]

    /// The action of a request path relative to the API root (`discover/db1/5432` →
    /// `discover`, `v2/clusters/x` → `v2/clusters`).
    static func action(ofRelativePath path: Substring) -> String {
        let segments = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
        guard let first = segments.first else { return "" }
        if first == "v2", segments.count > 1 { return "v2/\(segments[1])" }
        return String(first)
    }

    /// A route's access; an action missing from the table counts as a write (fail closed).
    static func of(relativePath path: Substring) -> APIAccess {
        byAction[action(ofRelativePath: path)] ?? .write
    }
}

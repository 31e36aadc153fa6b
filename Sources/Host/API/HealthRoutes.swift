import Foundation
import Hummingbird

/// `/api/health` and `/api/status`: Orchestrator's shape, so load balancers and scripts that
/// read `Code` or `Details.Healthy` keep working. Healthy means the backend database answers
/// and takes writes (a full disk or read-only file system answers 503 with the reason).
/// `/api/leader-check`: this daemon runs alone, so it is always the leader (200, `"OK"`).
///
/// These routes need no credentials. A client that could not read the rest of the API gets
/// the same shape with `Hostname` and `Token` empty and a generic `Error`; nobody gets the
/// SQLite path (`DBBackend` is `"sqlite"`): the details are in the daemon's log.
struct HealthRoutes: APIRouteCollection {
    let backend: Backend
    let hostname: String
    let token: String
    let access: APIAccessGuard

    struct Node: Encodable, Sendable {
        var hostname: String
        var token: String
        var appVersion: String
        var dbBackend: String

        enum CodingKeys: String, CodingKey {
            case hostname = "Hostname", token = "Token", appVersion = "AppVersion", dbBackend = "DBBackend"
        }
    }

    struct Health: Encodable, Sendable {
        var healthy: Bool
        var hostname: String
        var token: String
        var isActiveNode: Bool
        var activeNode: Node
        var error: String?
        var availableNodes: [Node]

        enum CodingKeys: String, CodingKey {
            case healthy = "Healthy", hostname = "Hostname", token = "Token", isActiveNode = "IsActiveNode"
            case activeNode = "ActiveNode", error = "Error", availableNodes = "AvailableNodes"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(healthy, forKey: .healthy)
            try c.encode(hostname, forKey: .hostname)
            try c.encode(token, forKey: .token)
            try c.encode(isActiveNode, forKey: .isActiveNode)
            try c.encode(activeNode, forKey: .activeNode)
            try c.encode(error, forKey: .error)
            try c.encode(availableNodes, forKey: .availableNodes)
        }
    }

    func register(on api: APIRoutes) {
        api.open("health", APIOperation("health", .health, "Health of this node",
                                        ok: Self.healthy, errors: [503: Self.unhealthy])) { request, context in
            await health(full: access.mayRead(request, context))
        }
        api.open("status", APIOperation("status", .health, "Status of this node (same as health)",
                                        ok: .json("Healthy", .ref(.healthEnvelope)), errors: [503: Self.unhealthy])) { request, context in
            await health(full: access.mayRead(request, context))
        }
        // Upstream answers a non-leader with 404 or the status code in the path; a leader
        // always with 200, whatever the code says.
        api.open("leader-check", APIOperation("leaderCheck", .health, "200 on the leader; this daemon is always the leader",
                                              ok: Self.leader)) { _, _ in JSONBody("OK") }
        api.open("leader-check/:code", APIOperation("leaderCheckCode", .health, "Leader check with the status a non-leader would answer",
                                                    [.path("code", .string)], ok: Self.leader)) { _, _ in JSONBody("OK") }
    }

    private static let healthy = APIResponse.json(
        "Healthy (Code OK); unhealthy (backend unreadable or refusing writes) answers ERROR with HTTP 503 and the reason",
        .ref(.healthEnvelope))
    private static let unhealthy = APIResponse.json("Unhealthy", .ref(.healthEnvelope))
    private static let leader = APIResponse.json("Leader", APISchema.string.example("OK"))

    /// `StatusEndpoint` when it names a path of its own (`APIServer`).
    static let statusEndpointOperation = APIOperation("statusEndpoint", .health, "Status of this node (StatusEndpoint; same as health)",
                                                      ok: .json("Healthy", .ref(.healthEnvelope)), errors: [503: unhealthy])

    func health(full: Bool) async -> Envelope<Health> {
        let details = await check(full: full)
        // 503: a load balancer or monitor takes this node out; the reason is in the body.
        return details.error.map { Envelope(code: .error, message: "Application node is unhealthy: \($0)", details: details,
                                            errorStatus: .serviceUnavailable) }
            ?? Envelope(code: .ok, message: "Application node is healthy", details: details)
    }

    /// `full`: the client may read the API, so it sees this node's host name, token and the
    /// backend's error (without the file's path).
    func check(full: Bool) async -> Health {
        let hostname = full ? self.hostname : "", token = full ? self.token : ""
        let node = Node(hostname: hostname, token: token, appVersion: OrchestratorVersion.current, dbBackend: "sqlite")
        let problem = await backend.check().map { full ? "backend database: \($0.message)" : "backend database does not answer or does not take writes" }
        return Health(healthy: problem == nil, hostname: hostname, token: token, isActiveNode: true,
                      activeNode: node, error: problem, availableNodes: [node])
    }
}

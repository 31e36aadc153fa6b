import Foundation
import Hummingbird

/// `/api/health`: Orchestrator's shape, so load balancers and scripts that read `Code` or
/// `Details.Healthy` keep working. Healthy means the backend database answers.
struct HealthRoutes: Sendable {
    let backend: Backend
    let hostname: String
    let token: String

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

    func register(on router: RouterGroup<BasicRequestContext>) {
        router.get("health") { _, _ in await health() }
    }

    func health() async -> Envelope<Health> {
        let node = Node(hostname: hostname, token: token, appVersion: OrchestratorVersion.current, dbBackend: backend.path)
        let problem = await backend.check()?.description
        let details = Health(healthy: problem == nil, hostname: hostname, token: token, isActiveNode: true,
                             activeNode: node, error: problem, availableNodes: [node])
        return problem == nil
            ? Envelope(code: .ok, message: "Application node is healthy", details: details)
            : Envelope(code: .error, message: "Application node is unhealthy: \(problem!)", details: details)
    }
}

public import HookAPI
import Host

/// The built-in ProxySQL plugin (docs/plugins.md, "Built-in ProxySQL rewire"): after a
/// promotion (`postFailover`, `postGracefulTakeover`) every endpoint of the `ProxySQL` block is
/// rewired to the new primary; before a switchover or failover (`preGracefulTakeover`,
/// `preFailover`) the old primary is drained (`OFFLINE_SOFT`) on the endpoints with
/// `PreFailoverDrain`.
///
/// Endpoints are handled concurrently and independently; the answer notes each endpoint's
/// outcome for the recovery steps. A failed endpoint makes the plugin fail (recorded, never
/// undoing the promotion); a failed drain only notes it and never vetoes the recovery.
public struct ProxySQLPlugin: Plugin {
    public let name = "builtin:proxysql"
    let endpoints: [ProxySQLEndpoint]
    let rewire: ProxySQLRewire
    /// Each endpoint's own `TimeoutSeconds`, capped so the plugin host (`PluginTimeoutSeconds`)
    /// never stops waiting before the plugin has reported.
    let cap: Duration

    public init(endpoints: [ProxySQLEndpoint], pluginTimeout: Duration, rewire: ProxySQLRewire = ProxySQLRewire()) {
        self.endpoints = endpoints
        self.rewire = rewire
        self.cap = max(.seconds(1), pluginTimeout - .milliseconds(500))
    }

    public var points: Set<HookPoint> {
        var points: Set<HookPoint> = [.postFailover, .postGracefulTakeover]
        if endpoints.contains(where: \.preFailoverDrain) { points.formUnion([.preFailover, .preGracefulTakeover]) }
        return points
    }

    public func handle(_ event: PluginEvent) async throws -> PluginAnswer {
        guard case .recovery(let point, let recovery) = event else { return .proceed }
        let failed = recovery.failed
        let deadline = ContinuousClock.now + cap
        let reports: [ProxySQLRewireReport]
        if point == .preFailover || point == .preGracefulTakeover {
            reports = await rewire.drainAll(endpoints: endpoints, oldPrimary: failed, deadline: deadline)
            return .note(summary(reports))
        }
        guard let successor = recovery.successor else { return .note("no successor: nothing to rewire") }
        let lost = Set(recovery.lostReplicas)
        let standbys = recovery.replicas.filter { $0 != successor && !lost.contains($0) }
        reports = await rewire.rewireAll(endpoints: endpoints, newPrimary: successor,
                                         oldPrimary: failed, standbys: standbys, deadline: deadline)
        if reports.contains(where: { !$0.succeeded }) {
            throw ProxySQLPluginFailure(description: summary(reports) + "\n" + reports.filter { !$0.succeeded }.map(\.description).joined(separator: "\n"))
        }
        return .note(summary(reports))
    }

    private func summary(_ reports: [ProxySQLRewireReport]) -> String {
        reports.map { "\($0.endpoint) \($0.action) \($0.succeeded ? "done" : "FAILED")" }.joined(separator: "; ")
    }
}

struct ProxySQLPluginFailure: Error, CustomStringConvertible {
    let description: String
}

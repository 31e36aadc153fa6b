import Foundation
import PGClient

/// Probes one instance through one persistent connection, reconnecting when it was lost.
actor InstanceProber {
    enum Outcome: Sendable {
        case success(InstanceProbe, latency: Double)
        case failure(PGError, latency: Double)
    }

    let key: InstanceKey
    private let connector: Connector
    private let clusterAliasQuery: String
    /// The address to connect to, already resolved and checked by discovery.
    private let address: String?
    private var connection: PGConnection?
    private var identity: ProbeQuery.Identity?
    /// The alias the last successful alias query gave: kept when a later one fails, so a
    /// primary that dies between the probe and the alias query keeps its alias (recovery
    /// filters written `alias=...` must still match its failover).
    private var lastDetectedAlias: String?
    private var memo = ProbeQuery.Memo()

    init(key: InstanceKey, connector: Connector, clusterAliasQuery: String = "", address: String? = nil) {
        self.key = key
        self.connector = connector
        self.clusterAliasQuery = clusterAliasQuery
        self.address = address
    }

    /// One probe: connect if needed, run `ProbeQuery`, each under its own deadline.
    func probe() async -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let d = start.duration(to: clock.now)
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        do {
            let (connection, identity) = try await currentConnection()
            let result = try await connection.execute(ProbeQuery.statementName, timeout: connector.queryTimeout)
            var probe = try ProbeQuery.parse(try result.singleRow(), identity: identity, endpoint: key.description, memo: &memo)
            if probe.isPrimary, !clusterAliasQuery.isEmpty {
                // The operator's query; a failure of it must not make the instance look dead.
                if let rows = try? await connection.query(clusterAliasQuery, timeout: connector.queryTimeout).rows {
                    lastDetectedAlias = (rows.first?.values.first ?? nil).flatMap(InstanceProbe.acceptedClusterAlias)
                }
                probe.detectedClusterAlias = lastDetectedAlias
            }
            return .success(probe, latency: seconds())
        } catch {
            if error.code != .serverError && error.code != .decoding { drop() }
            return .failure(error, latency: seconds())
        }
    }

    /// Waits until the deadline, the wake-up, or the server closing the idle connection
    /// (it went away: probe again at once). One registration with the poller, no extra tasks:
    /// a thousand instances wait like this all the time.
    func waitUntilNextProbe(_ deadline: ContinuousClock.Instant, wakeup: PGWakeup) async {
        if let connection {
            _ = await connection.waitForServerActivity(until: deadline, wakeup: wakeup)
        } else {
            await wakeup.sleep(until: deadline)
        }
    }

    func close() async {
        await connection?.close()
        drop()
    }

    private func currentConnection() async throws(PGError) -> (PGConnection, ProbeQuery.Identity) {
        if let connection, let identity, await connection.isOpen { return (connection, identity) }
        drop()
        let fresh = try await connector.connect(key, at: address)
        let row = try await fresh.query(ProbeQuery.identitySQL, timeout: connector.queryTimeout).singleRow()
        let read = try ProbeQuery.parseIdentity(row)
        // Planned once per connection: the probe runs every second on every instance.
        try await fresh.prepare(ProbeQuery.statementName, ProbeQuery.sql, timeout: connector.queryTimeout)
        connection = fresh
        identity = read
        return (fresh, read)
    }

    private func drop() {
        connection = nil
        identity = nil
    }
}

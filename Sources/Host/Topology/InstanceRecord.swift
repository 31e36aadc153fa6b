package import Foundation
package import HookAPI

/// Everything the daemon knows about one instance: the last successful probe and the health
/// of its checks. The topology keeps one per instance; the store persists them.
package struct InstanceRecord: Sendable, Codable, Equatable {
    package var key: InstanceKey
    /// The last probe that succeeded (kept while the instance is unreachable, so the graph
    /// still knows where it stood).
    package var probe: InstanceProbe?
    package var firstSeen: Date
    package var lastChecked: Date?
    package var lastSeen: Date?
    package var lastCheckValid: Bool
    package var consecutiveFailures: Int
    package var lastError: String?
    /// Seconds the last probe took (connect included when it had to connect).
    package var lastLatency: Double?
    /// What `discovery` plugins attached when it joined (alias, promotion rule, tags).
    package var annotation: InstanceAnnotation?
    /// The system identifier it had when it was admitted. Every probe is compared with it:
    /// another value means another server answers at this address now (see `quarantine`).
    package var admittedSystemIdentifier: String?
    /// The known instance (same system identifier) it was last attached to as a standby,
    /// through its configured upstream. Keeps a standby whose `primary_conninfo` went wrong in
    /// its cluster (see `TopologyGraph`); kept after a promotion, as its lineage (see
    /// `RecoveryGates.otherPrimary`).
    package var lastUpstream: InstanceKey?
    /// Set when the instance's identity changed after admission: it is then out of the graph,
    /// never promoted, never counted as a primary, and reported as `InstanceQuarantined` until
    /// an operator forgets it (`/api/forget`), after which it may be discovered anew.
    package var quarantine: Quarantine?
    /// The upstream whose own `pg_stat_replication` last showed this standby connected, and
    /// when (see `StreamMatcher`). What a standby claims about itself (its conninfo, its
    /// LSNs) anyone answering at its address can claim; this the upstream saw. A failover
    /// candidate must hold it for the failed primary (see `CandidateSurvey`).
    package var streamedFrom: StreamProof?

    package struct StreamProof: Sendable, Codable, Equatable {
        package var upstream: InstanceKey
        package var at: Date
    }

    package struct Quarantine: Sendable, Codable, Equatable {
        package var reason: String
        package var since: Date
        /// The cluster it belonged to when it was quarantined.
        package var clusterName: String
    }

    package init(key: InstanceKey, firstSeen: Date) {
        self.key = key
        self.firstSeen = firstSeen
        self.lastCheckValid = false
        self.consecutiveFailures = 0
    }

    package var isPrimary: Bool { probe?.isPrimary ?? false }

    /// Reachable, writable as far as its last probe says, and not quarantined: what counts as
    /// a live primary for split-brain detection and the recovery gates.
    package var isLivePrimary: Bool { lastCheckValid && isPrimary && quarantine == nil }
}

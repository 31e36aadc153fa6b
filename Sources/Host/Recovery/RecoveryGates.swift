import Foundation

/// The gates an automated recovery passes, in order (docs/failover.md, "Gates (automated
/// recovery), in order"). Pure: the coordinator gathers the facts, this decides. A manual
/// `recover` skips the filter, switch, downtime and block period gates but never the
/// one-at-a-time and no-second-primary gates.
enum RecoveryGates {
    struct Facts: Sendable {
        var entry: AnalysisEntry
        var clusterAlias: String
        var recoveriesDisabled: Bool
        /// A recovery of this cluster (by name or system identifier) is running.
        var activeRecovery: String?
        /// The newest unacknowledged recovery of this cluster within `RecoveryPeriodBlockSeconds`.
        var recentUnacknowledged: RecoveryRecord?
        /// Another reachable writable instance with the cluster's system identifier.
        var otherPrimary: InstanceKey?
        /// What of the above could not be read from the backend (nil: all of it was read).
        var unreadable: String? = nil
    }

    enum Verdict: Sendable, Equatable {
        case proceed
        /// Not for this daemon to act on, now or later without a change (filters, switch, ...).
        case skip(String)
        /// Held back by the block period until acknowledged; listed in `blocked-recoveries`.
        case blocked(by: String, reason: String)
    }

    /// Another reachable, writable, non-quarantined instance with the entry's system
    /// identifier that belongs to the entry's cluster: in its graph now, or last attached, as
    /// a standby, to a member of it (a standby promoted behind the daemon's back). A clone
    /// elsewhere that merely shares the system identifier (staging restored from production's
    /// backup) is not this cluster's primary and must not block its failover.
    static func otherPrimary(for entry: AnalysisEntry, in snapshot: TopologySnapshot) -> InstanceKey? {
        let graph = snapshot.graph
        func inCluster(_ key: InstanceKey?) -> Bool {
            guard let key else { return false }
            return key == entry.instance || graph.nodes[key]?.clusterName == entry.clusterName
        }
        return snapshot.records.filter { key, record in
            key != entry.instance && record.isLivePrimary && record.probe?.systemIdentifier == entry.systemIdentifier
                && (inCluster(key) || inCluster(record.lastUpstream))
        }.keys.sorted().first
    }

    static func automated(_ facts: Facts, _ configuration: Configuration.Recovery) -> Verdict {
        let entry = facts.entry
        guard entry.isActionable else { return .skip("\(entry.code.rawValue) is not acted on") }
        let filters = entry.code == .deadIntermediatePrimary
            ? configuration.recoverIntermediatePrimaryClusterFilters : configuration.recoverPrimaryClusterFilters
        let filterName = entry.code == .deadIntermediatePrimary ? "RecoverIntermediateMasterClusterFilters" : "RecoverMasterClusterFilters"
        guard filters.matches(name: entry.clusterName, alias: facts.clusterAlias) else {
            return .skip("cluster \(entry.clusterName) does not match \(filterName)")
        }
        if let pattern = configuration.recoveryIgnoreHostnameFilters.firstMatchingPattern(in: entry.instance.host) {
            return .skip("\(entry.instance.host) matches RecoveryIgnoreHostnameFilters \(pattern)")
        }
        if let unreadable = facts.unreadable {
            return .skip("cannot read from the backend (\(unreadable)); no automated recovery until it can")
        }
        guard !facts.recoveriesDisabled else { return .skip("global recoveries are disabled (enable-global-recoveries)") }
        guard !entry.isDowntimed else { return .skip("\(entry.instance) is downtimed") }
        if let verdict = always(facts) { return verdict }
        if let recent = facts.recentUnacknowledged {
            return .blocked(by: recent.uid, reason: "recovery \(recent.uid) of this cluster started \(recent.startedAt) is within "
                + "RecoveryPeriodBlockSeconds and not acknowledged; acknowledge it (ack-recovery) or recover manually")
        }
        return .proceed
    }

    static func manual(_ facts: Facts) -> Verdict {
        guard facts.entry.isActionable else {
            return .skip("\(facts.entry.instance) is \(facts.entry.code.rawValue): \(facts.entry.description); nothing to recover")
        }
        return always(facts) ?? .proceed
    }

    private static func always(_ facts: Facts) -> Verdict? {
        if let active = facts.activeRecovery { return .skip("recovery \(active) of this cluster is in progress") }
        if facts.entry.isPrimary, let other = facts.otherPrimary {
            return .skip("\(other) is a reachable primary of the same cluster (system identifier \(facts.entry.systemIdentifier ?? "?")): "
                + "promoting another would make two; re-point the standbys instead")
        }
        return nil
    }
}

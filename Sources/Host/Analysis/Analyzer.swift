package import Foundation

/// The pure core of failure detection: a topology snapshot in, analysis entries out.
/// Deterministic (entries sorted by instance), no I/O, so every rule is table-tested.
///
/// The holistic rule (docs/failover.md, "The rule"): a primary is dead only when the daemon
/// **and** its standbys lost it. A reachable standby whose WAL receiver still streams from it
/// proves it alive, whatever the daemon's own probes say.
package enum Analyzer {
    package struct Context: Sendable, Equatable {
        /// Instances downtimed now, with the end of their downtime.
        package var downtimes: [InstanceKey: Date]
        package var reasonableReplicationLagSeconds: Double

        package init(downtimes: [InstanceKey: Date] = [:], reasonableReplicationLagSeconds: Double = 10) {
            self.downtimes = downtimes
            self.reasonableReplicationLagSeconds = reasonableReplicationLagSeconds
        }
    }

    /// Every problem found, sorted by instance then code. Instances without a problem have no
    /// entry (Orchestrator's `replication-analysis` lists problems only).
    package static func analyze(_ snapshot: TopologySnapshot, _ context: Context) -> [AnalysisEntry] {
        let findings = analyze(clusters: nil, in: snapshot, context).values
        return sorted(findings.flatMap(\.entries) + splitBrain(findings.flatMap(\.writable)))
    }

    /// What the rules found in one cluster, split brain aside: that needs every cluster's
    /// writable primaries at once (see `splitBrain`).
    package struct ClusterFindings: Sendable, Equatable {
        package var entries: [AnalysisEntry] = []
        /// Its reachable writable primaries, each as the `SplitBrain` entry it gets when another
        /// one shares its system identifier.
        package var writable: [AnalysisEntry] = []
        /// Instances the rules looked at (the work a pass does, counted by a test).
        package var instances = 0
    }

    /// The findings of each of `clusters` (every cluster of the snapshot when nil), from the
    /// snapshot's records of their members and of the instances quarantined under them.
    package static func analyze(clusters: Set<String>?, in snapshot: TopologySnapshot, _ context: Context) -> [String: ClusterFindings] {
        let graph = snapshot.graph
        let names = clusters ?? Set(graph.clusterNames).union(graph.quarantinedByCluster.keys)
        var result: [String: ClusterFindings] = [:]
        for name in names {
            var findings = ClusterFindings()
            for key in graph.members(of: name) {
                guard let record = snapshot.records[key], let probe = record.probe, let node = graph.nodes[key] else { continue }
                findings.instances += 1
                let view = InstanceView(key: key, record: record, probe: probe, node: node, snapshot: snapshot, context: context)
                if node.depth == 0, probe.isPrimary {
                    findings.entries += primaryFindings(view)
                } else if !node.downstream.isEmpty {
                    findings.entries += intermediateFindings(view)
                }
                if let standby = standbyFinding(view) { findings.entries.append(standby) }
                if let lagging = laggingFinding(view) { findings.entries.append(lagging) }
                // A primary fenced with default_transaction_read_only (a switchover in progress) does not count.
                if record.isLivePrimary, !probe.settings.defaultTransactionReadOnly {
                    findings.writable.append(view.entry(.splitBrain, ""))
                }
            }
            for key in graph.quarantinedByCluster[name] ?? [] {
                guard let record = snapshot.records[key] else { continue }
                findings.instances += 1
                if let entry = quarantineFinding(record, snapshot, context) { findings.entries.append(entry) }
            }
            result[name] = findings
        }
        return result
    }

    /// Reachable writable instances sharing a system identifier: every one of them is flagged.
    /// `writable`: the clusters' `ClusterFindings.writable`.
    package static func splitBrain(_ writable: [AnalysisEntry]) -> [AnalysisEntry] {
        var entries: [AnalysisEntry] = []
        for (systemIdentifier, group) in Dictionary(grouping: writable, by: { $0.systemIdentifier ?? "" }) where group.count > 1 {
            let named = group.map(\.instance).sorted().map { ($0, $0.description) }
            for var entry in group {
                let others = named.filter { $0.0 != entry.instance }.map(\.1).joined(separator: ", ")
                entry.description = "writable, and so is \(others), with the same system identifier \(systemIdentifier)"
                entries.append(entry)
            }
        }
        return entries
    }

    /// Entries in the order the API lists them: by instance, then code.
    package static func sorted(_ entries: [AnalysisEntry]) -> [AnalysisEntry] {
        entries.sorted { ($0.instance, $0.code.rawValue) < ($1.instance, $1.code.rawValue) }
    }

    // MARK: Rules

    private static func primaryFindings(_ view: InstanceView) -> [AnalysisEntry] {
        let standbys = view.standbys
        if !view.record.lastCheckValid {
            if standbys.isEmpty {
                return [view.entry(.deadPrimaryWithoutStandbys, "primary unreachable and it has no standbys: nothing to promote")]
            }
            if view.countStreaming > 0 {
                return [view.entry(.unreachablePrimary,
                    "primary unreachable from orchestrator, but \(view.countStreaming) of \(standbys.count) standbys still stream from it")]
            }
            if view.countValid == 0 {
                return [view.entry(.deadPrimaryAndStandbys,
                    "primary and all \(standbys.count) standbys unreachable: orchestrator itself may be cut off")]
            }
            if view.countValid < standbys.count {
                return [view.entry(.deadPrimaryAndSomeStandbys,
                    "primary unreachable; \(standbys.count - view.countValid) of \(standbys.count) standbys unreachable too; no reachable standby streams from it")]
            }
            return [view.entry(.deadPrimary, "primary unreachable and none of its \(standbys.count) standbys streams from it")]
        }
        return replicationFindings(view)
    }

    private static func intermediateFindings(_ view: InstanceView) -> [AnalysisEntry] {
        if !view.record.lastCheckValid {
            // Its children still streaming from it prove it alive; all of them unreachable
            // leaves nothing to re-point.
            guard view.countStreaming == 0, view.countValid > 0 else { return [] }
            return [view.entry(.deadIntermediatePrimary,
                "cascading standby unreachable and none of its \(view.standbys.count) standbys streams from it")]
        }
        return replicationFindings(view)
    }

    /// A reachable upstream whose standbys are not streaming and replaying.
    private static func replicationFindings(_ view: InstanceView) -> [AnalysisEntry] {
        let standbys = view.standbys
        guard !standbys.isEmpty else { return [] }
        let notReplicating = standbys.count - view.countValidReplicating
        if notReplicating == standbys.count {
            return [view.entry(.allStandbysNotReplicating, "none of its \(standbys.count) standbys is streaming and replaying")]
        }
        if notReplicating > 0 {
            return [view.entry(.standbyNotReplicating, "\(notReplicating) of its \(standbys.count) standbys not streaming and replaying")]
        }
        return []
    }

    /// A reachable standby that lost its upstream, or whose WAL receiver does not stream from
    /// the reachable upstream it names. (An unreachable upstream is reported on its own.)
    private static func standbyFinding(_ view: InstanceView) -> AnalysisEntry? {
        guard view.record.lastCheckValid, !view.probe.isPrimary, let upstream = view.node.upstream else { return nil }
        if view.node.upstreamUnknown {
            let settings = view.probe.settings
            // The host is server data: shown only when it is a plausible host.
            let named = settings.conninfoHost.map { host in
                "primary_conninfo names host \(InstanceKey(reportedHost: host, port: 1)?.host ?? "(invalid)") port \(settings.conninfoPort.map(String.init) ?? "(default)"), "
                    + "no known instance of the cluster (wrong address, or it does not answer)"
            } ?? "primary_conninfo names no upstream"
            return view.entry(.standbyUpstreamUnknown, "\(named); last attached to \(upstream); "
                + "check primary_conninfo")
        }
        guard view.probe.walReceiver?.status != "streaming", view.snapshot.records[upstream]?.lastCheckValid == true else { return nil }
        let status = view.probe.walReceiver.map { "WAL receiver \($0.status)" } ?? "no WAL receiver running"
        return view.entry(.standbyNotStreaming, "\(status); not streaming from \(upstream)")
    }

    /// A quarantined instance, under the cluster it belonged to.
    private static func quarantineFinding(_ record: InstanceRecord, _ snapshot: TopologySnapshot, _ context: Analyzer.Context) -> AnalysisEntry? {
        guard let quarantine = record.quarantine, let probe = record.probe else { return nil }
        let node = TopologyGraph.Node(upstream: nil, downstream: [], clusterName: quarantine.clusterName, depth: 0)
        let view = InstanceView(key: record.key, record: record, probe: probe, node: node, snapshot: snapshot, context: context)
        return view.entry(.instanceQuarantined, "quarantined: \(quarantine.reason); not part of the cluster and never "
            + "promoted. Forget it (/api/forget/\(record.key.host)/\(record.key.port)) to admit it anew")
    }

    private static func laggingFinding(_ view: InstanceView) -> AnalysisEntry? {
        guard view.record.lastCheckValid, !view.probe.isPrimary, let lag = view.probe.lagSeconds,
              lag > view.context.reasonableReplicationLagSeconds else { return nil }
        return view.entry(.standbyLagging, "replay \(Int64(saturating: lag, rounding: .down)) s behind (ReasonableReplicationLagSeconds: \(Int64(saturating: view.context.reasonableReplicationLagSeconds, rounding: .down)))")
    }
}

/// One instance and its direct standbys as the rules see them.
private struct InstanceView {
    let key: InstanceKey
    let record: InstanceRecord
    let probe: InstanceProbe
    let node: TopologyGraph.Node
    let snapshot: TopologySnapshot
    let context: Analyzer.Context

    var standbys: [InstanceRecord] { node.downstream.compactMap { snapshot.records[$0] } }
    var countValid: Int { standbys.count { $0.lastCheckValid } }
    /// Reachable standbys whose WAL receiver streams (replaying or not): proof the upstream lives.
    var countStreaming: Int { standbys.count { $0.lastCheckValid && $0.probe?.walReceiver?.status == "streaming" } }
    var countValidReplicating: Int { standbys.count { $0.lastCheckValid && $0.probe?.isReplicating == true } }

    func entry(_ code: AnalysisCode, _ description: String) -> AnalysisEntry {
        let lagLimit = context.reasonableReplicationLagSeconds
        return AnalysisEntry(
            code: code, instance: key, upstream: node.upstream, clusterName: node.clusterName, description: description,
            isPrimary: probe.isPrimary, isReadOnly: !probe.isPrimary || probe.settings.defaultTransactionReadOnly,
            lastCheckValid: record.lastCheckValid, replicas: node.downstream,
            countValidReplicas: countValid, countStreamingReplicas: countStreaming,
            countValidReplicatingReplicas: countValidReplicating,
            countLaggingReplicas: standbys.count { ($0.probe?.lagSeconds ?? 0) > lagLimit },
            countDowntimedReplicas: node.downstream.count { context.downtimes[$0] != nil },
            isDowntimed: context.downtimes[key] != nil, downtimeEnd: context.downtimes[key],
            systemIdentifier: probe.systemIdentifier,
            lastLSN: probe.isPrimary ? probe.currentLSN : (probe.receiveLSN ?? probe.replayLSN), lastSeen: record.lastSeen)
    }
}

import Foundation
import HookAPI

/// Planned operations through the coordinator: a switchover is a recovery of its own
/// (`command = graceful-master-takeover`, analysis forced to `DeadPrimary` as upstream does),
/// so a switchover and a failover of one cluster never run at once. Being planned, it is not
/// held back by `RecoveryPeriodBlockSeconds`, by the global switch or by filters.
extension RecoveryCoordinator {
    /// Switches `cluster`'s primary over to `designated` (or, without one, to its only
    /// standby, or with `auto` to the best one). Refuses, changing nothing, when it is not
    /// safe. Waits for the switchover to end and returns its record.
    public func gracefulTakeover(cluster: String, designated requested: InstanceKey?, auto: Bool) async -> Result<RecoveryRecord, RecoveryError> {
        let snapshot = await environment.topology.state.snapshot()
        let members = snapshot.graph.members(of: cluster)
        guard !members.isEmpty else { return .failure(RecoveryError("unknown cluster \(cluster)")) }
        let primaries = members.filter { snapshot.graph.nodes[$0]?.upstream == nil && snapshot.records[$0]?.probe?.isPrimary == true }
        guard primaries.count == 1, let primary = primaries.first else {
            return .failure(RecoveryError("cluster \(cluster) has \(primaries.count) primaries; a switchover needs exactly one"))
        }
        guard snapshot.records[primary]?.lastCheckValid == true else {
            return .failure(RecoveryError("the primary \(primary) is not reachable: this is a failover, not a switchover (see recover)"))
        }
        let standbys = snapshot.graph.nodes[primary]?.downstream ?? []
        let survey = await environment.survey.standbys(of: primary, in: snapshot, primaryAnswers: true)
        let designated: InstanceKey
        switch Self.chooseDesignated(requested.map(snapshot.canonical), standbys: survey, primary: primary, auto: auto,
                                     ignoring: environment.configuration.recovery.promotionIgnoreHostnameFilters) {
        case .success(let key): designated = key
        case .failure(let error): return .failure(error)
        }
        do {
            let progress = try await environment.operations.replayProgress(designated)
            let limit = Double(environment.configuration.analysis.reasonableMaintenanceReplicationLagSeconds)
            guard progress.inRecovery else { return .failure(RecoveryError("\(designated) is not in recovery: not a standby")) }
            if let lag = progress.lagSeconds, lag > limit {
                return .failure(RecoveryError(String(format: "%@ lags %.1f s behind, more than ReasonableMaintenanceReplicationLagSeconds (%.0f s); wait for it to catch up", designated.description, lag, limit)))
            }
            guard !progress.replayPaused else {
                return .failure(RecoveryError("\(designated) has WAL replay paused; resume it (pg_wal_replay_resume()) first"))
            }
        } catch {
            return .failure(RecoveryError("cannot read \(designated)'s replay position: \(error)"))
        }

        let probe = snapshot.records[primary]?.probe
        let identity = Self.clusterIdentity(systemIdentifier: probe?.systemIdentifier, clusterName: cluster)
        let ended = await environment.finishes.endedUIDs
        if let running = try? await environment.repository.recoveries(probe.map { .systemIdentifier($0.systemIdentifier) } ?? .cluster(cluster), limit: 20, offset: 0)
            .first(where: { $0.isActive && !ended.contains($0.uid) }) {
            return .failure(RecoveryError("recovery \(running.uid) of this cluster is in progress"))
        }
        let entry = AnalysisEntry(
            code: .deadPrimary, instance: primary, upstream: nil, clusterName: cluster,
            description: "graceful-master-takeover: planned switchover to \(designated)", isPrimary: true, isReadOnly: false,
            lastCheckValid: true, replicas: standbys, countValidReplicas: standbys.count, countStreamingReplicas: standbys.count,
            countValidReplicatingReplicas: standbys.count, countLaggingReplicas: 0, countDowntimedReplicas: 0,
            isDowntimed: false, downtimeEnd: nil, systemIdentifier: probe?.systemIdentifier, lastLSN: probe?.currentLSN)
        let record = RecoveryRecord(
            uid: UUID().uuidString.lowercased(), analysis: entry,
            clusterAlias: ClusterAliases.alias(of: cluster, in: snapshot, configuration: environment.configuration),
            command: "graceful-master-takeover", startedAt: environment.clock.now(),
            processingNodeHostname: environment.hostname, processingNodeToken: processToken)
        let registered: RecoveryRecord
        switch await register(record, identity: identity) {
        case .success(let saved): registered = saved
        case .failure(let error): return .failure(error)
        }
        let machine = SwitchoverMachine(uid: registered.uid, old: primary, designated: designated,
                                        others: standbys.filter { $0 != designated }, settings: .init(environment.configuration.analysis))
        let running = launch(registered, identity: identity, label: auto ? "graceful-master-takeover-auto" : "graceful-master-takeover",
                             isAutomated: false, machine)
        return .success(await running.value)
    }

    /// The standby to promote: the operator's (which must be a direct, promotable standby),
    /// the only one, or with `auto` the picker's.
    static func chooseDesignated(_ requested: InstanceKey?, standbys: [CandidatePicker.Standby], primary: InstanceKey, auto: Bool,
                                 ignoring: PatternList) -> Result<InstanceKey, RecoveryError> {
        guard !standbys.isEmpty else { return .failure(RecoveryError("\(primary) has no standbys to switch over to")) }
        if let requested {
            guard let standby = standbys.first(where: { $0.key == requested }) else {
                return .failure(RecoveryError("\(requested) is not a direct standby of the primary \(primary); "
                    + "direct standbys: \(standbys.map(\.key.description).joined(separator: ", "))"))
            }
            if case .none(let reasons) = CandidatePicker.choose(from: [standby], ignoring: ignoring) {
                return .failure(RecoveryError("\(requested) cannot be promoted: \(reasons.joined(separator: "; "))"))
            }
            return .success(requested)
        }
        if standbys.count > 1 && !auto {
            return .failure(RecoveryError("\(primary) has \(standbys.count) standbys and none was designated; name one "
                + "(graceful-master-takeover/:cluster/:host/:port) or use graceful-master-takeover-auto"))
        }
        switch CandidatePicker.choose(from: standbys, ignoring: ignoring) {
        case .promote(let key): return .success(key)
        case .none(let reasons): return .failure(RecoveryError("no standby can be promoted: \(reasons.joined(separator: "; "))"))
        }
    }
}

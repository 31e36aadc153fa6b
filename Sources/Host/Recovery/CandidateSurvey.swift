import Foundation
import HookAPI
import Logging

/// Gathers what the candidate picker needs about the standbys of a failed primary: reachability
/// and positions read fresh from each standby (not from the last probe, which may be a poll
/// interval old), sync state from the old primary's last `pg_stat_replication`, downtimes and
/// promotion rules.
struct CandidateSurvey: Sendable {
    let operations: InstanceOperations
    let repository: any RecoveryRepository
    let logger: Logger
    /// `CandidateInstanceExpireMinutes`: older promotion rules no longer count.
    let candidateExpiry: Duration
    let clock: RecoveryClock

    /// `primaryAnswers`: a switchover, whose primary is asked who streams from it now (a failed
    /// primary is not: a host cut off would hold the failover for a connect timeout).
    func standbys(of failed: InstanceKey, in snapshot: TopologySnapshot, primaryAnswers: Bool = false) async -> [CandidatePicker.Standby] {
        let keys = snapshot.graph.nodes[failed]?.downstream ?? []
        let syncNames = Set(snapshot.records[failed]?.probe?.replicas
            .filter { $0.syncState == "sync" || $0.syncState == "quorum" }.map(\.applicationName) ?? [])
        // The recovery already passed its gates: unreadable downtimes or promotion rules do not
        // stop it (the standbys' own state decides), but they are logged.
        var downtimes: Set<InstanceKey> = []
        do {
            downtimes = Set(try await repository.activeDowntimes(at: clock.now()).map(\.key))
        } catch {
            logger.warning("candidate choice for \(failed) without downtimes: \(error)")
        }
        let expiry = clock.now().addingTimeInterval(-candidateExpiry.seconds)
        var registrations: [CandidateRegistration] = []
        do {
            registrations = try await repository.candidateRegistrations(since: expiry)
        } catch {
            logger.warning("candidate choice for \(failed) without registered promotion rules: \(error)")
        }
        let downtimed = downtimes
        let rules = Dictionary(registrations.map { (snapshot.canonical($0.key), $0.rule) }) { _, newer in newer }
        let failedRecord = snapshot.records[failed]
        var proofs: [InstanceKey: InstanceRecord.StreamProof] = [:]
        // A standby that connected since the primary's last probe is proven too.
        if primaryAnswers, let rows = try? await operations.walSenders(failed) {
            let now = clock.now()
            for key in StreamMatcher.proven(keys, in: snapshot.records, rows: rows) { proofs[key] = .init(upstream: failed, at: now) }
        }
        return await withTaskGroup(of: CandidatePicker.Standby.self) { group in
            for key in keys {
                let probe = snapshot.records[key]?.probe
                var record = snapshot.records[key]
                if let proof = proofs[key] { record?.streamedFrom = proof }
                let standby = record
                group.addTask { [operations] in
                    let state = try? await operations.with(key) { try await operations.standbyState(key, on: $0) }
                    return CandidatePicker.Standby(
                        key: key, reachable: state?.inRecovery == true, downtimed: downtimed.contains(key),
                        receivedLSN: state?.receivedLSN, replayLSN: state?.replayLSN,
                        synchronous: probe.map { syncNames.contains($0.walReceiverApplicationName) } ?? false,
                        rule: rules[key] ?? snapshot.records[key]?.annotation?.promotionRule ?? .neutral,
                        foreignHistory: Self.lineageProblem(standby, failed: failed, failedRecord))
                }
            }
            var result: [CandidatePicker.Standby] = []
            for await standby in group { result.append(standby) }
            return result.sorted { $0.key < $1.key }
        }
    }

    /// Why `standby` cannot be a continuation of the failed primary's history, or nil. It is
    /// one of its standbys in the graph (its configured or last upstream); it must also share
    /// its system identifier, not be quarantined, not be on a later timeline than the
    /// primary's last one (a later timeline means it was promoted since, or restored from
    /// another branch: its WAL is not the primary's, whatever its LSN), and have been seen
    /// connected in the primary's own `pg_stat_replication` (`streamedFrom`), or in that of the
    /// primary's own last upstream (a sibling of a standby promoted before the failed primary
    /// saw it stream). What a server says of itself, anyone answering at its address can say.
    static func lineageProblem(_ standby: InstanceRecord?, failed key: InstanceKey, _ failed: InstanceRecord?) -> String? {
        guard let standby, let probe = standby.probe else { return "never probed" }
        if let quarantine = standby.quarantine { return "quarantined: \(quarantine.reason)" }
        guard let failed, let primary = failed.probe else { return nil }
        if probe.systemIdentifier != primary.systemIdentifier {
            return "system identifier \(probe.systemIdentifier) is not the primary's \(primary.systemIdentifier)"
        }
        if let timeline = probe.walReceiver?.receivedTimeline ?? probe.timeline, let primaryTimeline = primary.timeline,
           timeline > primaryTimeline {
            return "timeline \(timeline) is ahead of the primary's \(primaryTimeline)"
        }
        guard let proof = standby.streamedFrom, proof.upstream == key || proof.upstream == failed.lastUpstream else {
            return "never seen streaming in \(key)'s pg_stat_replication (application_name \(probe.walReceiverApplicationName))"
        }
        return nil
    }
}

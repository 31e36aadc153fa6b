import Foundation
import HookAPI
import Logging

/// Gathers what the candidate picker needs about the standbys of a failed primary: reachability
/// and positions read fresh from each standby (not from the last probe, which may be a poll
/// interval old), sync state from the old primary's last `pg_stat_replication`, downtimes and
/// promotion rules.
struct CandidateSurvey: Sendable {
    let environment: RecoveryEnvironment

    func standbys(of failed: InstanceKey, in snapshot: TopologySnapshot) async -> [CandidatePicker.Standby] {
        let keys = snapshot.graph.nodes[failed]?.downstream ?? []
        let syncNames = Set(snapshot.records[failed]?.probe?.replicas
            .filter { $0.syncState == "sync" || $0.syncState == "quorum" }.map(\.applicationName) ?? [])
        // The recovery already passed its gates: unreadable downtimes or promotion rules do not
        // stop it (the standbys' own state decides), but they are logged.
        var downtimes: Set<InstanceKey> = []
        do {
            downtimes = Set(try await environment.backend.activeDowntimes().map(\.key))
        } catch {
            environment.logger.warning("candidate choice for \(failed) without downtimes: \(error)")
        }
        let expiry = Date().addingTimeInterval(-Double(environment.configuration.recovery.candidateInstanceExpireMinutes) * 60)
        var registrations: [CandidateRegistration] = []
        do {
            registrations = try await environment.backend.candidateRegistrations(since: expiry)
        } catch {
            environment.logger.warning("candidate choice for \(failed) without registered promotion rules: \(error)")
        }
        let downtimed = downtimes
        let rules = Dictionary(registrations.map { (snapshot.canonical($0.key), $0.rule) }) { _, newer in newer }
        return await withTaskGroup(of: CandidatePicker.Standby.self) { group in
            for key in keys {
                let probe = snapshot.records[key]?.probe
                group.addTask {
                    let state = try? await environment.operations.with(key) { try await environment.operations.standbyState(key, on: $0) }
                    return CandidatePicker.Standby(
                        key: key, reachable: state?.inRecovery == true, downtimed: downtimed.contains(key),
                        receivedLSN: state?.receivedLSN, replayLSN: state?.replayLSN,
                        synchronous: probe.map { syncNames.contains($0.walReceiverApplicationName) } ?? false,
                        rule: rules[key] ?? snapshot.records[key]?.annotation?.promotionRule ?? .neutral)
                }
            }
            var result: [CandidatePicker.Standby] = []
            for await standby in group { result.append(standby) }
            return result.sorted { $0.key < $1.key }
        }
    }
}

import Foundation

/// The replication facts Orchestrator derives per instance (`ReplicaRunning`,
/// `IsRecentlyChecked`, `ReplicationLagSeconds`, ...), computed once for the JSON shape and
/// the text topology alike.
struct InstanceStatus: Sendable {
    let isStandby: Bool
    /// The WAL receiver streams (upstream's IO thread).
    let ioRunning: Bool
    /// Replay is not paused (upstream's SQL thread).
    let sqlRunning: Bool
    /// Whole seconds of replay lag; nil on a primary or when unknown.
    let lagSeconds: Int64?
    let lastCheckValid: Bool
    let recentlyChecked: Bool

    init(_ record: InstanceRecord, pollSeconds: Int, now: Date = Date()) {
        let probe = record.probe
        isStandby = probe.map { !$0.isPrimary } ?? false
        ioRunning = isStandby && probe?.walReceiver?.status == "streaming"
        sqlRunning = isStandby && probe?.replayPaused == false
        lagSeconds = isStandby ? probe?.lagSeconds.map { Int64(saturating: $0) } : nil
        lastCheckValid = record.lastCheckValid
        recentlyChecked = record.lastChecked.map { now.timeIntervalSince($0) <= Double(pollSeconds * 2 + 1) } ?? false
    }

    /// Upstream's `ReplicaRunning()`: a standby that streams and replays.
    var replicaRunning: Bool { isStandby && ioRunning && sqlRunning }

    /// Upstream's `LagStatusString()`: `0s` on a primary, `null` on a standby that does not
    /// replicate, `unknown` when the last check failed or is stale.
    var lagText: String {
        guard lastCheckValid, recentlyChecked else { return "unknown" }
        if isStandby {
            guard replicaRunning, let lagSeconds else { return "null" }
            return "\(lagSeconds)s"
        }
        return "0s"
    }

    /// Upstream's `StatusString()`.
    func statusText(reasonableLagSeconds: Int) -> String {
        if !lastCheckValid { return "invalid" }
        if !recentlyChecked { return "unchecked" }
        if isStandby && !replicaRunning { return "nonreplicating" }
        if isStandby, let lagSeconds, lagSeconds > reasonableLagSeconds { return "lag" }
        return "ok"
    }
}

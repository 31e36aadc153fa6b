import Foundation

/// Evidence first: while a primary (or cascading standby) is unreachable and its fate
/// undecided, it and its standbys are probed every `interval` instead of every
/// `InstancePollSeconds`, so the standbys' loss of it is seen within milliseconds. Pure: the
/// coordinator passes the time and runs the re-probes.
struct FateWatch: Sendable {
    /// While a primary's fate is open, its cluster is re-probed this often.
    static let interval: Duration = .milliseconds(50)
    /// ... for at most this long after it was last seen.
    static let window: TimeInterval = 120
    /// The codes under which a fate is still open.
    static let openCodes: Set<AnalysisCode> = [.unreachablePrimary, .deadPrimary, .deadPrimaryAndSomeStandbys,
                                                .deadPrimaryAndStandbys, .deadIntermediatePrimary]

    private var lastProbe: [InstanceKey: ContinuousClock.Instant] = [:]

    struct Verdict: Sendable, Equatable {
        /// Instances to probe now.
        var reprobe: [InstanceKey]
        /// Whether some fate is still open: analyse again shortly, whether or not new probe
        /// results arrive.
        var undecided: Bool
    }

    /// `recovering`: whether a recovery of the entry's cluster runs (its fate is being decided
    /// by acting, not by watching).
    mutating func watch(_ entries: [AnalysisEntry], now: Date, instant: ContinuousClock.Instant,
                        recovering: (AnalysisEntry) -> Bool) -> Verdict {
        var verdict = Verdict(reprobe: [], undecided: false)
        for entry in entries where Self.openCodes.contains(entry.code) {
            guard let lastSeen = entry.lastSeen, now.timeIntervalSince(lastSeen) < Self.window, !recovering(entry) else { continue }
            verdict.undecided = true
            for key in [entry.instance] + entry.replicas {
                if let last = lastProbe[key], instant - last < Self.interval { continue }
                lastProbe[key] = instant
                verdict.reprobe.append(key)
            }
        }
        lastProbe = lastProbe.filter { instant - $0.value < .seconds(5) }
        return verdict
    }
}

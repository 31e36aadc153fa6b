public import HookAPI

extension PromotionRule {
    /// Tie-break order, lower first: `must` > `prefer` > `neutral` > `prefer_not`; `must_not`
    /// is never promoted.
    var rank: Int {
        switch self {
        case .must: 0
        case .prefer: 1
        case .neutral: 2
        case .preferNot: 3
        case .mustNot: 4
        }
    }
}

/// Chooses the standby to promote (docs/failover.md, "Steps of a primary failover", step 3).
/// Pure and table-tested.
///
/// Eligible: reachable, of the failed primary's history, not downtimed, not matching `PromotionIgnoreHostnameFilters`, not
/// `must_not`. Order: highest received LSN (it holds the most WAL, hence every commit the old
/// primary acknowledged under synchronous replication), then a synchronous standby, then the
/// highest replay LSN, then the promotion rule, then the name. Data first: a preference never
/// beats a standby that holds more WAL.
public enum CandidatePicker {
    public struct Standby: Sendable, Equatable {
        public var key: InstanceKey
        public var reachable: Bool
        public var downtimed: Bool
        public var receivedLSN: LSN?
        public var replayLSN: LSN?
        /// `sync` or `quorum` in the old primary's last `pg_stat_replication`.
        public var synchronous: Bool
        public var rule: PromotionRule
        /// Why it cannot hold the failed primary's history, if it cannot (see
        /// `CandidateSurvey.lineageProblem`): such a standby is never promoted.
        public var foreignHistory: String?

        public init(key: InstanceKey, reachable: Bool = true, downtimed: Bool = false, receivedLSN: LSN?, replayLSN: LSN?,
                    synchronous: Bool = false, rule: PromotionRule = .neutral, foreignHistory: String? = nil) {
            self.foreignHistory = foreignHistory
            self.key = key
            self.reachable = reachable
            self.downtimed = downtimed
            self.receivedLSN = receivedLSN
            self.replayLSN = replayLSN
            self.synchronous = synchronous
            self.rule = rule
        }

        /// One line for the recovery's steps.
        var summary: String {
            "\(key) received \(receivedLSN.map(\.description) ?? "-") replayed \(replayLSN.map(\.description) ?? "-")"
                + (reachable ? "" : " unreachable") + (synchronous ? " sync" : "") + (downtimed ? " downtimed" : "")
                + " rule \(rule.rawValue)" + (foreignHistory.map { " excluded: \($0)" } ?? "")
        }

        /// The WAL it holds: received, or replayed when it never streamed (restored from archive).
        var heldLSN: LSN { max(receivedLSN ?? LSN(0), replayLSN ?? LSN(0)) }
    }

    public enum Choice: Sendable, Equatable {
        case promote(InstanceKey)
        /// No standby qualifies; the reasons say why each was passed over.
        case none(reasons: [String])
    }

    public static func choose(from standbys: [Standby], ignoring ignore: PatternList = PatternList()) -> Choice {
        var reasons: [String] = []
        var eligible: [Standby] = []
        for standby in standbys {
            if !standby.reachable {
                reasons.append("\(standby.key): unreachable")
            } else if let foreign = standby.foreignHistory {
                reasons.append("\(standby.key): \(foreign)")
            } else if standby.downtimed {
                reasons.append("\(standby.key): downtimed")
            } else if standby.rule == .mustNot {
                reasons.append("\(standby.key): promotion rule must_not")
            } else if let pattern = ignore.firstMatchingPattern(in: standby.key.host) {
                reasons.append("\(standby.key): matches PromotionIgnoreHostnameFilters \(pattern)")
            } else {
                eligible.append(standby)
            }
        }
        guard let best = eligible.min(by: isBetter) else {
            return .none(reasons: reasons.isEmpty ? ["no standbys"] : reasons)
        }
        return .promote(best.key)
    }

    /// Strict weak order: true when `a` should be promoted rather than `b`.
    static func isBetter(_ a: Standby, _ b: Standby) -> Bool {
        if a.heldLSN != b.heldLSN { return a.heldLSN > b.heldLSN }
        if a.synchronous != b.synchronous { return a.synchronous }
        let aReplay = a.replayLSN ?? LSN(0), bReplay = b.replayLSN ?? LSN(0)
        if aReplay != bReplay { return aReplay > bReplay }
        if a.rule.rank != b.rule.rank { return a.rule.rank < b.rule.rank }
        return a.key < b.key
    }
}

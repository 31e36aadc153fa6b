/// A standby's promotion preference (`register-candidate`, `DetectPromotionRuleQuery`).
/// Orchestrator's names and order: `prefer` > `neutral` > `prefer_not`; `must_not` is never
/// promoted.
public enum PromotionRule: String, Sendable, Hashable, Codable, CaseIterable {
    case prefer
    case neutral
    case preferNot = "prefer_not"
    case mustNot = "must_not"

    /// Lower ranks first.
    var rank: Int {
        switch self {
        case .prefer: 0
        case .neutral: 1
        case .preferNot: 2
        case .mustNot: 3
        }
    }
}

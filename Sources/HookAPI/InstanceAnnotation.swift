/// Upstream Orchestrator's promotion rules: how much a standby is wanted as the new primary.
/// Candidate choice orders by LSN first; the rule breaks ties, and `mustNot` excludes.
public enum PromotionRule: String, Sendable, Hashable, Codable, CaseIterable {
    case must
    case prefer
    case neutral
    case preferNot = "prefer_not"
    case mustNot = "must_not"
}

/// What `discovery` plugins attach to an instance. Absent fields leave what an earlier plugin
/// (or the default) set; `tags` from several plugins are merged, later plugins winning a key.
public struct InstanceAnnotation: Sendable, Hashable, Codable {
    /// A human name for the instance (`InstanceAlias` in the API).
    public var alias: String?
    /// Overrides the default `neutral` (`PromotionRule` in the API, and candidate choice).
    public var promotionRule: PromotionRule?
    /// Free-form labels (`Tags` in the API).
    public var tags: [String: String]

    public init(alias: String? = nil, promotionRule: PromotionRule? = nil, tags: [String: String] = [:]) {
        self.alias = alias
        self.promotionRule = promotionRule
        self.tags = tags
    }

    /// `self` with `later`'s fields laid over it.
    public func merged(with later: InstanceAnnotation) -> InstanceAnnotation {
        InstanceAnnotation(alias: later.alias ?? alias, promotionRule: later.promotionRule ?? promotionRule,
                           tags: tags.merging(later.tags) { _, new in new })
    }

    public var isEmpty: Bool { alias == nil && promotionRule == nil && tags.isEmpty }
}

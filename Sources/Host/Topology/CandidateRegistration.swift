public import Foundation
public import HookAPI

/// A promotion rule registered for a standby (`register-candidate`), valid for
/// `CandidateInstanceExpireMinutes` after `registeredAt`.
public struct CandidateRegistration: Sendable, Codable, Equatable {
    public var key: InstanceKey
    public var rule: PromotionRule
    public var registeredAt: Date

    public init(key: InstanceKey, rule: PromotionRule, registeredAt: Date) {
        self.key = key
        self.rule = rule
        self.registeredAt = registeredAt
    }
}

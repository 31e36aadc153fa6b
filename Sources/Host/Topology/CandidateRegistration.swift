package import Foundation
package import HookAPI

/// A promotion rule registered for a standby (`register-candidate`), valid for
/// `CandidateInstanceExpireMinutes` after `registeredAt`.
public struct CandidateRegistration: Sendable, Codable, Equatable {
    package var key: InstanceKey
    package var rule: PromotionRule
    package var registeredAt: Date

    package init(key: InstanceKey, rule: PromotionRule, registeredAt: Date) {
        self.key = key
        self.rule = rule
        self.registeredAt = registeredAt
    }
}

package import Foundation

/// A downtimed instance is neither failed over (as a primary) nor promoted (as a standby)
/// until its downtime ends.
public struct Downtime: Sendable, Codable, Equatable {
    package var key: InstanceKey
    package var owner: String
    package var reason: String
    package var beganAt: Date
    package var endsAt: Date

    package init(key: InstanceKey, owner: String, reason: String, beganAt: Date, endsAt: Date) {
        self.key = key
        self.owner = owner
        self.reason = reason
        self.beganAt = beganAt
        self.endsAt = endsAt
    }
}

public import Foundation

/// A downtimed instance is neither failed over (as a primary) nor promoted (as a standby)
/// until its downtime ends.
public struct Downtime: Sendable, Codable, Equatable {
    public var key: InstanceKey
    public var owner: String
    public var reason: String
    public var beganAt: Date
    public var endsAt: Date

    public init(key: InstanceKey, owner: String, reason: String, beganAt: Date, endsAt: Date) {
        self.key = key
        self.owner = owner
        self.reason = reason
        self.beganAt = beganAt
        self.endsAt = endsAt
    }
}

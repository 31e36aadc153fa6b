public import Foundation
public import HookAPI

/// Everything the daemon knows about one instance: the last successful probe and the health
/// of its checks. The topology keeps one per instance; the store persists them.
public struct InstanceRecord: Sendable, Codable, Equatable {
    public var key: InstanceKey
    /// The last probe that succeeded (kept while the instance is unreachable, so the graph
    /// still knows where it stood).
    public var probe: InstanceProbe?
    public var firstSeen: Date
    public var lastChecked: Date?
    public var lastSeen: Date?
    public var lastCheckValid: Bool
    public var consecutiveFailures: Int
    public var lastError: String?
    /// Seconds the last probe took (connect included when it had to connect).
    public var lastLatency: Double?
    /// What `discovery` plugins attached when it joined (alias, promotion rule, tags).
    public var annotation: InstanceAnnotation?

    public init(key: InstanceKey, firstSeen: Date) {
        self.key = key
        self.firstSeen = firstSeen
        self.lastCheckValid = false
        self.consecutiveFailures = 0
    }

    public var isPrimary: Bool { probe?.isPrimary ?? false }
}

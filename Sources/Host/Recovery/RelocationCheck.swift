/// Whether a standby may be moved below another instance (`relocate`, `move-below`). Pure and
/// table-tested: the coordinator passes what the topology knows.
public enum RelocationCheck {
    public struct Node: Sendable, Equatable {
        public var upstream: InstanceKey?
        public var systemIdentifier: String?
        public var reachable: Bool
        public var isPrimary: Bool

        public init(upstream: InstanceKey?, systemIdentifier: String?, reachable: Bool, isPrimary: Bool) {
            self.upstream = upstream
            self.systemIdentifier = systemIdentifier
            self.reachable = reachable
            self.isPrimary = isPrimary
        }
    }

    /// Why `standby` may not stream from `target`, or nil when it may.
    public static func refusal(moving standby: InstanceKey, below target: InstanceKey, in nodes: [InstanceKey: Node]) -> String? {
        guard let moving = nodes[standby] else { return "\(standby) is not known; discover it first" }
        guard let below = nodes[target] else { return "\(target) is not known; discover it first" }
        guard standby != target else { return "\(standby) cannot replicate from itself" }
        guard !moving.isPrimary else { return "\(standby) is a primary; moving a primary is a switchover (graceful-master-takeover)" }
        guard let ownID = moving.systemIdentifier, ownID == below.systemIdentifier else {
            return "\(standby) and \(target) are not of the same cluster (system identifiers \(moving.systemIdentifier ?? "?") and \(below.systemIdentifier ?? "?"))"
        }
        guard below.reachable else { return "\(target) is not reachable" }
        guard moving.reachable else { return "\(standby) is not reachable" }
        // Walk up from the target: meeting the standby means the target replicates from it.
        var seen: Set<InstanceKey> = [target]
        var current = below.upstream
        while let key = current {
            if key == standby { return "\(target) replicates (directly or not) from \(standby): moving it there would make a loop" }
            guard seen.insert(key).inserted else { break }
            current = nodes[key]?.upstream
        }
        return nil
    }
}

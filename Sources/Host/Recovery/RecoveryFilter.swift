/// Which recoveries a read or an acknowledgement is about.
public enum RecoveryFilter: Sendable, Codable, Equatable {
    case all
    case cluster(String)
    case uid(String)
    case id(Int64)
    case active
    case failedInstance(InstanceKey)
    /// Every recovery of the cluster with this system identifier, whatever its name was then.
    case systemIdentifier(String)
}

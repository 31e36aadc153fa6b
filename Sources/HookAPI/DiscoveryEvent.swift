/// `discovery`: an instance answered its first probe and is about to join the topology.
///
/// Answers: `.proceed` (join as is), `.annotate` (join with an alias, promotion rule or tags),
/// `.ignore` (do not join; the crawl asks again after a minute, so a changed policy applies).
/// A plugin that fails here is recorded and treated as `.proceed`: a broken plugin must not
/// hide instances.
public struct DiscoveryEvent: Sendable, Hashable, Codable {
    public var instance: InstanceAddress
    /// `primary` or `standby` (`pg_is_in_recovery()`).
    public var role: String
    /// `server_version`, e.g. `16.4`, and `server_version_num`, e.g. `160004`.
    public var version: String
    public var versionNumber: Int
    /// The cluster it belongs to, by its primary's `host:port`: the instance itself for a
    /// primary; for a standby its upstream's cluster when that is known already, else empty.
    public var clusterName: String
    /// The `cluster_name` setting of the instance (often empty).
    public var clusterNameSetting: String
    /// `pg_control_system().system_identifier`.
    public var systemIdentifier: String
    /// Where a standby streams from; nil for a primary.
    public var upstream: InstanceAddress?
    public var timeline: Int?
    /// The instance's WAL position: current on a primary, replayed on a standby.
    public var lsn: LSN?

    public init(instance: InstanceAddress, role: String, version: String, versionNumber: Int, clusterName: String,
                clusterNameSetting: String, systemIdentifier: String, upstream: InstanceAddress? = nil,
                timeline: Int? = nil, lsn: LSN? = nil) {
        self.instance = instance
        self.role = role
        self.version = version
        self.versionNumber = versionNumber
        self.clusterName = clusterName
        self.clusterNameSetting = clusterNameSetting
        self.systemIdentifier = systemIdentifier
        self.upstream = upstream
        self.timeline = timeline
        self.lsn = lsn
    }
}

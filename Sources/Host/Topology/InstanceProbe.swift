public import Foundation
public import HookAPI

/// What one probe of one instance read: role, positions, replication links and the settings
/// recovery needs. A value: the topology keeps the last one per instance.
public struct InstanceProbe: Sendable, Codable, Equatable {
    public var isPrimary: Bool
    public var versionNumber: Int
    public var version: String
    public var systemIdentifier: String
    /// Same server, whatever address it was reached under: system identifier, postmaster
    /// start time and data directory.
    public var fingerprint: String
    public var timeline: Int?
    public var currentLSN: LSN?
    public var receiveLSN: LSN?
    public var replayLSN: LSN?
    public var replayTimestamp: Date?
    /// Seconds the standby's replay is behind: 0 when it replayed all it received.
    public var lagSeconds: Double?
    public var replayPaused: Bool
    public var walReceiver: WalReceiver?
    public var replicas: [ReplicationRow]
    public var settings: ServerSettings
    public var probedAt: Date
    /// What `DetectClusterAliasQuery` returned on this primary, if configured.
    public var detectedClusterAlias: String?

    /// A standby's `pg_stat_wal_receiver` row.
    public struct WalReceiver: Sendable, Codable, Equatable {
        public var status: String
        public var senderHost: String?
        public var senderPort: Int?
        public var slotName: String?
        public var receivedTimeline: Int?
    }

    /// One `pg_stat_replication` row of this server (a standby streaming from it).
    public struct ReplicationRow: Sendable, Codable, Equatable {
        public var applicationName: String
        public var clientAddress: String?
        public var clientHostname: String?
        public var state: String?
        public var sentLSN: LSN?
        public var flushLSN: LSN?
        public var replayLSN: LSN?
        public var syncState: String?
        public var replayLagSeconds: Double?
    }

    /// Settings that analysis and recovery read. `primary_conninfo` is kept without its
    /// password: this value is stored and served by the API.
    public struct ServerSettings: Sendable, Codable, Equatable {
        public var synchronousStandbyNames: String
        public var primaryConnInfo: String
        public var primarySlotName: String
        public var clusterName: String
        public var walReceiverTimeout: String
        public var defaultTransactionReadOnly: Bool
        public var walLogHints: Bool
        public var dataChecksums: Bool
        public var port: Int
        /// Host and port `primary_conninfo` names (first of a list), read once at probe time.
        public var conninfoHost: String?
        public var conninfoPort: Int?
        /// `application_name` of `primary_conninfo`, if set.
        public var conninfoApplicationName: String?
    }

    /// The upstream this standby streams from: the WAL receiver's sender, else the host and
    /// port of `primary_conninfo` (which survives the receiver stopping when the primary dies).
    public func upstream(defaultPort: Int) -> InstanceKey? {
        guard !isPrimary else { return nil }
        // Both hosts are what the server reports: validated like any data from outside.
        if let r = walReceiver, let host = r.senderHost, !host.hasPrefix("/"), let port = r.senderPort {
            return InstanceKey(reportedHost: host, port: port)
        }
        guard let host = settings.conninfoHost, !host.hasPrefix("/") else { return nil }
        return InstanceKey(reportedHost: host, port: settings.conninfoPort ?? defaultPort)
    }

    /// The `application_name` this standby's WAL receiver reports upstream: from its
    /// `primary_conninfo`, else `cluster_name` (PostgreSQL's fallback), else `walreceiver`.
    public var walReceiverApplicationName: String {
        if let name = settings.conninfoApplicationName, !name.isEmpty { return name }
        return settings.clusterName.isEmpty ? "walreceiver" : settings.clusterName
    }

    /// Is this standby streaming (WAL receiver up) and replaying (not paused)?
    public var isReplicating: Bool {
        !isPrimary && walReceiver?.status == "streaming" && !replayPaused
    }
}

extension InstanceProbe {
    /// Longest alias accepted from `DetectClusterAliasQuery`.
    public static let clusterAliasLimit = 255

    /// `alias` as read from the server, or nil when it is not an alias: empty, longer than
    /// `clusterAliasLimit` bytes, or containing a control character. Whoever can write the
    /// row the query reads chooses this text, and it reaches hooks, the API and the logs.
    public static func acceptedClusterAlias(_ alias: String) -> String? {
        guard !alias.isEmpty, alias.utf8.count <= clusterAliasLimit,
              !alias.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        else { return nil }
        return alias
    }
}

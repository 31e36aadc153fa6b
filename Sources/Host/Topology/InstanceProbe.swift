package import Foundation
package import HookAPI

/// What one probe of one instance read: role, positions, replication links and the settings
/// recovery needs. A value: the topology keeps the last one per instance.
package struct InstanceProbe: Sendable, Codable, Equatable {
    package var isPrimary: Bool
    package var versionNumber: Int
    package var version: String
    package var systemIdentifier: String
    /// Same server, whatever address it was reached under: system identifier, postmaster
    /// start time and data directory.
    package var fingerprint: String
    package var timeline: Int?
    package var currentLSN: LSN?
    package var receiveLSN: LSN?
    package var replayLSN: LSN?
    package var replayTimestamp: Date?
    /// Seconds the standby's replay is behind: 0 when it replayed all it received.
    package var lagSeconds: Double?
    package var replayPaused: Bool
    package var walReceiver: WalReceiver?
    package var replicas: [ReplicationRow]
    package var settings: ServerSettings
    package var probedAt: Date
    /// What `DetectClusterAliasQuery` returned on this primary, if configured.
    package var detectedClusterAlias: String?

    /// A standby's `pg_stat_wal_receiver` row.
    package struct WalReceiver: Sendable, Codable, Equatable {
        package var status: String
        package var senderHost: String?
        package var senderPort: Int?
        package var slotName: String?
        package var receivedTimeline: Int?
    }

    /// One `pg_stat_replication` row of this server (a standby streaming from it).
    package struct ReplicationRow: Sendable, Codable, Equatable {
        package var applicationName: String
        package var clientAddress: String?
        package var clientHostname: String?
        package var state: String?
        package var sentLSN: LSN?
        package var flushLSN: LSN?
        package var replayLSN: LSN?
        package var syncState: String?
        package var replayLagSeconds: Double?
    }

    /// Settings that analysis and recovery read. `primary_conninfo` is kept without its
    /// password: this value is stored and served by the API.
    package struct ServerSettings: Sendable, Codable, Equatable {
        package var synchronousStandbyNames: String
        package var primaryConnInfo: String
        package var primarySlotName: String
        package var clusterName: String
        package var walReceiverTimeout: String
        package var defaultTransactionReadOnly: Bool
        package var walLogHints: Bool
        package var dataChecksums: Bool
        package var port: Int
        /// Host and port `primary_conninfo` names (first of a list), read once at probe time.
        package var conninfoHost: String?
        package var conninfoPort: Int?
        /// `application_name` of `primary_conninfo`, if set.
        package var conninfoApplicationName: String?
    }

    /// The upstream this standby streams from: the WAL receiver's sender, else the host and
    /// port of `primary_conninfo` (which survives the receiver stopping when the primary dies).
    package func upstream(defaultPort: Int) -> InstanceKey? {
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
    package var walReceiverApplicationName: String {
        if let name = settings.conninfoApplicationName, !name.isEmpty { return name }
        return settings.clusterName.isEmpty ? "walreceiver" : settings.clusterName
    }

    /// Is this standby streaming (WAL receiver up) and replaying (not paused)?
    package var isReplicating: Bool {
        !isPrimary && walReceiver?.status == "streaming" && !replayPaused
    }
}

extension InstanceProbe {
    /// Longest alias accepted from `DetectClusterAliasQuery`.
    package static let clusterAliasLimit = 255

    /// `alias` as read from the server, or nil when it is not an alias: empty, longer than
    /// `clusterAliasLimit` bytes, or containing a control character. Whoever can write the
    /// row the query reads chooses this text, and it reaches hooks, the API and the logs.
    package static func acceptedClusterAlias(_ alias: String) -> String? {
        guard !alias.isEmpty, alias.utf8.count <= clusterAliasLimit,
              !alias.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        else { return nil }
        return alias
    }
}

import Foundation
import HookAPI

/// `{"Hostname": …, "Port": …}`, Orchestrator's instance key.
struct KeyJSON: Encodable, Sendable {
    var hostname: String
    var port: Int

    init(_ key: InstanceKey?) {
        hostname = key?.host ?? ""
        port = key?.port ?? 0
    }

    enum CodingKeys: String, CodingKey { case hostname = "Hostname", port = "Port" }
}

/// Go's `sql.NullInt64` as Orchestrator serialises it.
struct NullInt64: Encodable, Sendable {
    var value: Int64?
    enum CodingKeys: String, CodingKey { case int64 = "Int64", valid = "Valid" }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value ?? 0, forKey: .int64)
        try c.encode(value != nil, forKey: .valid)
    }
}

/// One instance in Orchestrator's JSON shape (`/api/instance`, `/api/cluster`, ...), with the
/// PostgreSQL facts added as extra fields. Existing fields keep upstream's meaning: `ReadOnly`
/// is `pg_is_in_recovery()`, `MasterKey` the upstream the standby streams from.
struct InstanceJSON: Encodable, Sendable {
    let record: InstanceRecord
    let node: TopologyGraph.Node?
    let clusterAlias: String
    let syncState: String?
    let status: InstanceStatus
    /// Its active downtime (`IsDowntimed`, ...): also how a switchover's fenced old primary shows.
    let downtime: Downtime?

    init(_ record: InstanceRecord, in snapshot: TopologySnapshot, clusterAlias: String, pollSeconds: Int, downtime: Downtime? = nil) {
        self.record = record
        self.downtime = downtime
        self.node = snapshot.graph.nodes[record.key]
        self.clusterAlias = clusterAlias
        self.status = InstanceStatus(record, pollSeconds: pollSeconds)
        let upstreamRows = node?.upstream.flatMap { snapshot.records[$0]?.probe?.replicas } ?? []
        let name = record.probe?.walReceiverApplicationName
        syncState = upstreamRows.first { $0.applicationName == name }?.syncState
    }

    private enum K: String, CodingKey {
        case Key, InstanceAlias, Uptime, ServerID, ServerUUID, Version, VersionComment, FlavorName, ReadOnly, MasterKey
        case ReplicationIOThreadRuning, ReplicationSQLThreadRuning, Slave_IO_Running, Slave_SQL_Running
        case ReplicationIOThreadState, ReplicationSQLThreadState
        case SecondsBehindMaster, ReplicationLagSeconds, SlaveLagSeconds, Replicas, SlaveHosts
        case ClusterName, SuggestedClusterAlias, DataCenter, Region, PhysicalEnvironment, ReplicationDepth, IsCoMaster
        case IsLastCheckValid, IsUpToDate, IsRecentlyChecked, LastSeenTimestamp, SecondsSinceLastSeen, LastDiscoveryLatency
        case Problems, IsCandidate, PromotionRule, IsDowntimed, DowntimeReason, DowntimeOwner, DowntimeEndTimestamp
        case GTIDMode, ProviderType
        // PostgreSQL additions.
        case ServerVersionNum, SystemIdentifier, Timeline, CurrentLSN, ReceiveLSN, ReplayLSN, ReplayPaused
        case WalReceiverStatus, SyncState, ReplicationSlot, SynchronousStandbyNames, PrimaryConnInfo
        case WalReceiverTimeout, DefaultTransactionReadOnly, DataChecksums, WalLogHints
        case LastCheckedTimestamp, FirstSeenTimestamp, ConsecutiveFailures, LastError
        // Set by discovery plugins.
        case Tags
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        let probe = record.probe
        let isStandby = status.isStandby
        let now = Date()
        try c.encode(KeyJSON(record.key), forKey: .Key)
        try c.encode(record.annotation?.alias ?? "", forKey: .InstanceAlias)
        try c.encode(0, forKey: .Uptime)
        try c.encode(0, forKey: .ServerID)
        try c.encode("", forKey: .ServerUUID)
        try c.encode(probe?.version ?? "", forKey: .Version)
        try c.encode("", forKey: .VersionComment)
        try c.encode("PostgreSQL", forKey: .FlavorName)
        try c.encode(isStandby, forKey: .ReadOnly)
        try c.encode(KeyJSON(node?.upstream), forKey: .MasterKey)
        let ioRunning = status.ioRunning
        let sqlRunning = status.sqlRunning
        try c.encode(ioRunning, forKey: .ReplicationIOThreadRuning)
        try c.encode(sqlRunning, forKey: .ReplicationSQLThreadRuning)
        try c.encode(ioRunning, forKey: .Slave_IO_Running)
        try c.encode(sqlRunning, forKey: .Slave_SQL_Running)
        try c.encode(isStandby ? (probe?.walReceiver == nil ? 0 : (ioRunning ? 1 : 2)) : -1, forKey: .ReplicationIOThreadState)
        try c.encode(isStandby ? (sqlRunning ? 1 : 0) : -1, forKey: .ReplicationSQLThreadState)
        let lag = NullInt64(value: status.lagSeconds)
        try c.encode(lag, forKey: .SecondsBehindMaster)
        try c.encode(lag, forKey: .ReplicationLagSeconds)
        try c.encode(lag, forKey: .SlaveLagSeconds)
        let replicas = (node?.downstream ?? []).map { KeyJSON($0) }
        try c.encode(replicas, forKey: .Replicas)
        try c.encode(replicas, forKey: .SlaveHosts)
        try c.encode(node?.clusterName ?? record.key.description, forKey: .ClusterName)
        try c.encode(clusterAlias, forKey: .SuggestedClusterAlias)
        try c.encode("", forKey: .DataCenter)
        try c.encode("", forKey: .Region)
        try c.encode("", forKey: .PhysicalEnvironment)
        try c.encode(node?.depth ?? 0, forKey: .ReplicationDepth)
        try c.encode(false, forKey: .IsCoMaster)
        try c.encode(record.lastCheckValid, forKey: .IsLastCheckValid)
        let recentlyChecked = status.recentlyChecked
        try c.encode(record.lastCheckValid && recentlyChecked, forKey: .IsUpToDate)
        try c.encode(recentlyChecked, forKey: .IsRecentlyChecked)
        try c.encode(record.lastSeen.map(Self.timestamp) ?? "", forKey: .LastSeenTimestamp)
        try c.encode(NullInt64(value: record.lastSeen.map { Int64(saturating: now.timeIntervalSince($0), rounding: .towardZero) }), forKey: .SecondsSinceLastSeen)
        try c.encode(Int64(saturating: (record.lastLatency ?? 0) * 1e9, rounding: .towardZero), forKey: .LastDiscoveryLatency)
        try c.encode(problems(ioRunning: ioRunning, sqlRunning: sqlRunning), forKey: .Problems)
        try c.encode(false, forKey: .IsCandidate)
        try c.encode(record.annotation?.promotionRule?.rawValue ?? "neutral", forKey: .PromotionRule)
        try c.encode(record.annotation?.tags ?? [:], forKey: .Tags)
        try c.encode(downtime != nil, forKey: .IsDowntimed)
        try c.encode(downtime?.reason ?? "", forKey: .DowntimeReason)
        try c.encode(downtime?.owner ?? "", forKey: .DowntimeOwner)
        try c.encode(downtime.map { Self.timestamp($0.endsAt) } ?? "", forKey: .DowntimeEndTimestamp)
        try c.encode("", forKey: .GTIDMode)
        try c.encode("postgresql", forKey: .ProviderType)

        try c.encode(probe?.versionNumber ?? 0, forKey: .ServerVersionNum)
        try c.encode(probe?.systemIdentifier ?? "", forKey: .SystemIdentifier)
        try c.encode(probe?.timeline ?? 0, forKey: .Timeline)
        try c.encode(probe?.currentLSN?.description ?? "", forKey: .CurrentLSN)
        try c.encode(probe?.receiveLSN?.description ?? "", forKey: .ReceiveLSN)
        try c.encode(probe?.replayLSN?.description ?? "", forKey: .ReplayLSN)
        try c.encode(probe?.replayPaused ?? false, forKey: .ReplayPaused)
        try c.encode(probe?.walReceiver?.status ?? "", forKey: .WalReceiverStatus)
        try c.encode(syncState ?? "", forKey: .SyncState)
        try c.encode(probe?.settings.primarySlotName ?? "", forKey: .ReplicationSlot)
        try c.encode(probe?.settings.synchronousStandbyNames ?? "", forKey: .SynchronousStandbyNames)
        try c.encode(probe?.settings.primaryConnInfo ?? "", forKey: .PrimaryConnInfo)
        try c.encode(probe?.settings.walReceiverTimeout ?? "", forKey: .WalReceiverTimeout)
        try c.encode(probe?.settings.defaultTransactionReadOnly ?? false, forKey: .DefaultTransactionReadOnly)
        try c.encode(probe?.settings.dataChecksums ?? false, forKey: .DataChecksums)
        try c.encode(probe?.settings.walLogHints ?? false, forKey: .WalLogHints)
        try c.encode(record.lastChecked.map(Self.timestamp) ?? "", forKey: .LastCheckedTimestamp)
        try c.encode(Self.timestamp(record.firstSeen), forKey: .FirstSeenTimestamp)
        try c.encode(record.consecutiveFailures, forKey: .ConsecutiveFailures)
        try c.encode(record.lastError ?? "", forKey: .LastError)
    }

    private func problems(ioRunning: Bool, sqlRunning: Bool) -> [String] {
        var list: [String] = []
        if !record.lastCheckValid { list.append("last_check_invalid") }
        // Ours: its identity changed after admission / its configured upstream is unknown.
        if record.quarantine != nil { list.append("quarantined") }
        if node?.upstreamUnknown == true { list.append("upstream_unknown") }
        if record.probe?.isPrimary == false {
            if !ioRunning { list.append("not_replicating") }
            if !sqlRunning { list.append("replay_paused") }
        }
        return list
    }

    /// RFC 3339 with fractional seconds, as Go (and so upstream) writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

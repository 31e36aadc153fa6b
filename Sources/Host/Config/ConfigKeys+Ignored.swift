import ConfigJSON

/// Upstream Orchestrator keys that an operator's existing file may carry and that this build
/// accepts without using them: no unknown-key warning, a type check, and a line in the
/// reference saying why. A few log a warning when set, because ignoring them silently could
/// surprise (raft, KV stores, the MySQL-only ProxySQL hooks, cross-DC failover limits).
extension ConfigKeys {
    static let ignored: [Key] =
        group(mysqlTopology, "MySQL topology setting; this build manages PostgreSQL (see `PostgreSQL*` keys).")
        + group(mysqlBackend, "MySQL backend setting; this build keeps its state in SQLite (`BackendDB`).")
        + group(raft, "orchestrator/raft is not supported by this build; it runs as a single node.")
        + group(agents, "orchestrator-agent (MySQL seeding) is not supported.")
        + group(pseudoGTID, "Pseudo-GTID and binlog scanning are MySQL only.")
        + group(mysqlRecovery, "MySQL failover behaviour; PostgreSQL promotion replays all received WAL and the "
            + "candidate is chosen by received LSN, then replay LSN, then promotion rule.")
        + group(semiSync, "MySQL semi-synchronous replication only.")
        + group(mysqlProxySQL, "The upstream ProxySQL hooks drive the MySQL admin interface (`mysql_servers`); "
            + "use the `ProxySQL` list (PostgreSQL admin, `pgsql_servers`).")
        + group(kvStores, "Publishing primaries to Consul/ZooKeeper KV stores is not implemented; use a "
            + "`PostFailoverProcesses` hook or a plugin.")
        + group(graphite, "Graphite export is not implemented; scrape `/metrics` (Prometheus) instead.")
        + group(proxyAuth, "Only used by `AuthenticationMethod` `proxy`, `token` or OAuth, which this build refuses.")
        + group(tlsExtras, "Client-certificate OU checks are not implemented; `UseMutualTLS` checks the CA only.")
        + group(internals, "Internal tuning of upstream's implementation that has no counterpart here.")
        + group(mysqlMisc, "MySQL only.")
        + group(lagQueries, "Lag is measured from the standby's replay timestamp and LSNs, not by a custom query.")
        + group(logging, "Logs go to standard error; run under systemd-journald (or similar) to forward them to syslog.")
        + group(cosmetics, "Not implemented by this build.")

    private typealias Row = (name: String, shape: ConfigIgnoredShape, defaultValue: ConfigJSONValue, secret: Bool, warning: String?)

    private static func group(_ rows: [Row], _ reason: String) -> [Key] {
        rows.map { row in
            .ignored(row.name, row.shape, row.defaultValue, secret: row.secret, warnWhenSet: row.warning, reason: reason)
        }
    }

    private static func row(_ name: String, _ shape: ConfigIgnoredShape, _ defaultValue: ConfigJSONValue,
                            secret: Bool = false, warn: String? = nil) -> Row {
        (name, shape, defaultValue, secret, warn)
    }

    private static let f = ConfigJSONValue.bool(false)
    private static let t = ConfigJSONValue.bool(true)
    private static let empty = ConfigJSONValue.string("")
    private static let none = ConfigJSONValue.array([])
    private static func n(_ value: Int) -> ConfigJSONValue { .integer(value) }
    private static func s(_ value: String) -> ConfigJSONValue { .string(value) }

    private static let mysqlTopology: [Row] = [
        row("MySQLTopologyUser", .string, empty, warn: "ignored; set PostgreSQLTopologyUser"),
        row("MySQLTopologyPassword", .string, empty, secret: true, warn: "ignored; set PostgreSQLTopologyPassword"),
        row("MySQLTopologyCredentialsConfigFile", .string, empty),
        row("MySQLTopologySSLPrivateKeyFile", .string, empty),
        row("MySQLTopologySSLCertFile", .string, empty),
        row("MySQLTopologySSLCAFile", .string, empty),
        row("MySQLTopologySSLSkipVerify", .boolean, f),
        row("MySQLTopologyUseMutualTLS", .boolean, f),
        row("MySQLTopologyUseMixedTLS", .boolean, t),
        row("MySQLTopologyMaxAllowedPacket", .integer, n(-1)),
        row("TLSCacheTTLFactor", .unsignedInteger, n(100)),
        row("MySQLConnectTimeoutSeconds", .integer, n(2)),
        row("MySQLDiscoveryReadTimeoutSeconds", .integer, n(10)),
        row("MySQLTopologyReadTimeoutSeconds", .integer, n(600)),
        row("MySQLConnectionLifetimeSeconds", .integer, n(0)),
        row("MySQLHostnameResolveMethod", .string, s("@@hostname")),
        row("DiscoverByShowSlaveHosts", .boolean, f),
        row("DiscoveryIgnoreReplicationUsernameFilters", .patternList, none),
        row("ReplicationCredentialsQuery", .string, empty),
        row("VerifyReplicationFilters", .boolean, f),
        row("UseSuperReadOnly", .boolean, f),
        row("SkipMaxScaleCheck", .boolean, t),
        row("SkipBinlogServerUnresolveCheck", .boolean, t),
        row("LowerReplicaVersionAllowed", .boolean, f),
    ]

    private static let mysqlBackend: [Row] = [
        row("MySQLOrchestratorHost", .string, empty),
        row("MySQLOrchestratorPort", .unsignedInteger, n(3306)),
        row("MySQLOrchestratorDatabase", .string, empty),
        row("MySQLOrchestratorUser", .string, empty),
        row("MySQLOrchestratorPassword", .string, empty, secret: true),
        row("MySQLOrchestratorCredentialsConfigFile", .string, empty),
        row("MySQLOrchestratorSSLPrivateKeyFile", .string, empty),
        row("MySQLOrchestratorSSLCertFile", .string, empty),
        row("MySQLOrchestratorSSLCAFile", .string, empty),
        row("MySQLOrchestratorSSLSkipVerify", .boolean, f),
        row("MySQLOrchestratorUseMutualTLS", .boolean, f),
        row("MySQLOrchestratorMaxPoolConnections", .integer, n(128)),
        row("MySQLOrchestratorReadTimeoutSeconds", .integer, n(30)),
        row("MySQLOrchestratorRejectReadOnly", .boolean, f),
        row("MySQLOrchestratorMaxAllowedPacket", .integer, n(-1)),
        row("SkipOrchestratorDatabaseUpdate", .boolean, f),
        row("PanicIfDifferentDatabaseDeploy", .boolean, f),
    ]

    private static let raft: [Row] = [
        row("RaftEnabled", .boolean, f, warn: "raft is not supported by this build; this daemon runs as a single node"),
        row("RaftBind", .string, s("127.0.0.1:10008")),
        row("RaftAdvertise", .string, empty),
        row("RaftDataDir", .string, empty),
        row("DefaultRaftPort", .integer, n(10008)),
        row("RaftNodes", .stringList, none),
        row("HTTPAdvertise", .string, empty),
        row("ExpectFailureAnalysisConcensus", .boolean, t),
    ]

    private static let agents: [Row] = [
        row("AgentsServerPort", .string, s(":3001")),
        row("ServeAgentsHttp", .boolean, f),
        row("AgentsUseSSL", .boolean, f),
        row("AgentsUseMutualTLS", .boolean, f),
        row("AgentSSLSkipVerify", .boolean, f),
        row("AgentSSLPrivateKeyFile", .string, empty),
        row("AgentSSLCertFile", .string, empty),
        row("AgentSSLCAFile", .string, empty),
        row("AgentSSLValidOUs", .stringList, none),
        row("AgentPollMinutes", .unsignedInteger, n(60)),
        row("UnseenAgentForgetHours", .unsignedInteger, n(6)),
        row("StaleSeedFailMinutes", .unsignedInteger, n(60)),
        row("SeedAcceptableBytesDiff", .integer, n(8192)),
        row("SeedWaitSecondsBeforeSend", .integer, n(2)),
    ]

    private static let pseudoGTID: [Row] = [
        row("AutoPseudoGTID", .boolean, f),
        row("PseudoGTIDPattern", .string, empty),
        row("PseudoGTIDPatternIsFixedSubstring", .boolean, f),
        row("PseudoGTIDMonotonicHint", .string, empty),
        row("DetectPseudoGTIDQuery", .string, empty),
        row("PseudoGTIDPreferIndependentMultiMatch", .boolean, f),
        row("BinlogEventsChunkSize", .integer, n(10000)),
        row("SkipBinlogEventsContaining", .stringList, none),
    ]

    private static let mysqlRecovery: [Row] = [
        row("RecoverNonWriteableMaster", .boolean, f),
        row("CoMasterRecoveryMustPromoteOtherCoMaster", .boolean, t),
        row("DetachLostSlavesAfterMasterFailover", .boolean, t),
        row("DetachLostReplicasAfterMasterFailover", .boolean, f),
        row("ApplyMySQLPromotionAfterMasterFailover", .boolean, t),
        row("PreventCrossDataCenterMasterFailover", .boolean, f,
            warn: "is not honoured by this build: a failover may promote a standby in another data centre"),
        row("PreventCrossRegionMasterFailover", .boolean, f,
            warn: "is not honoured by this build: a failover may promote a standby in another region"),
        row("MasterFailoverLostInstancesDowntimeMinutes", .unsignedInteger, n(0)),
        row("MasterFailoverDetachSlaveMasterHost", .boolean, f),
        row("MasterFailoverDetachReplicaMasterHost", .boolean, f),
        row("FailMasterPromotionOnLagMinutes", .unsignedInteger, n(0)),
        row("FailMasterPromotionIfSQLThreadNotUpToDate", .boolean, f),
        row("DelayMasterPromotionIfSQLThreadNotUpToDate", .boolean, f),
        row("PostponeSlaveRecoveryOnLagMinutes", .unsignedInteger, n(0)),
        row("PostponeReplicaRecoveryOnLagMinutes", .unsignedInteger, n(0)),
        row("RemoteSSHForMasterFailover", .boolean, f),
        row("RemoteSSHCommand", .string, empty),
        row("RemoteSSHCommandUseSudo", .boolean, t),
        row("PostTakeMasterProcesses", .stringList, none),
        row("UnreachableMasterWithStaleSlavesProcesses", .stringList, none),
        row("OSCIgnoreHostnameFilters", .patternList, none),
    ]

    private static let semiSync: [Row] = [
        row("DetectSemiSyncEnforcedQuery", .string, empty),
        row("EnforceExactSemiSyncReplicas", .boolean, f),
        row("RecoverLockedSemiSyncMaster", .boolean, f),
        row("ReasonableLockedSemiSyncMasterSeconds", .unsignedInteger, n(0)),
    ]

    private static let mysqlProxySQL: [Row] = [
        row("ProxySQLAdminAddress", .string, empty,
            warn: "is ignored: upstream's ProxySQL hooks drive the MySQL admin interface; configure the \"ProxySQL\" list "
                + "(PostgreSQL admin interface, port 6132) instead"),
        row("ProxySQLAdminPort", .integer, n(6032)),
        row("ProxySQLAdminUser", .string, s("admin")),
        row("ProxySQLAdminPassword", .string, empty, secret: true),
        row("ProxySQLAdminUseTLS", .boolean, f),
        row("ProxySQLWriterHostgroup", .integer, n(0)),
        row("ProxySQLReaderHostgroup", .integer, n(0)),
        row("ProxySQLPreFailoverAction", .string, s("offline_soft")),
    ]

    private static let kvStores: [Row] = [
        row("ConsulAddress", .string, empty, warn: "is ignored: this build does not publish primaries to Consul"),
        row("ConsulScheme", .string, s("http")),
        row("ConsulAclToken", .string, empty, secret: true),
        row("ConsulCrossDataCenterDistribution", .boolean, f),
        row("ConsulKVStoreProvider", .string, s("consul")),
        row("ConsulMaxKVsPerTransaction", .integer, n(5)),
        row("ZkAddress", .string, empty, warn: "is ignored: this build does not publish primaries to ZooKeeper"),
        row("KVClusterMasterPrefix", .string, s("mysql/master")),
    ]

    private static let graphite: [Row] = [
        row("GraphiteAddr", .string, empty),
        row("GraphitePath", .string, empty),
        row("GraphiteConvertHostnameDotsToUnderscores", .boolean, t),
        row("GraphitePollSeconds", .integer, n(60)),
    ]

    private static let proxyAuth: [Row] = [
        row("AuthUserHeader", .string, s("X-Forwarded-User")),
        row("PowerAuthUsers", .stringList, .strings(["*"])),
        row("PowerAuthGroups", .stringList, none),
        row("AccessTokenUseExpirySeconds", .unsignedInteger, n(60)),
        row("AccessTokenExpiryMinutes", .unsignedInteger, n(1440)),
        row("OAuthClientId", .string, empty),
        row("OAuthClientSecret", .string, empty, secret: true),
        row("OAuthScopes", .stringList, none),
    ]

    private static let tlsExtras: [Row] = [
        row("SSLSkipVerify", .boolean, f),
        row("SSLValidOUs", .stringList, none),
        row("StatusOUVerify", .boolean, f),
    ]

    private static let internals: [Row] = [
        row("DiscoveryQueueCapacity", .unsignedInteger, n(100000)),
        row("DiscoveryQueueMaxStatisticsSize", .integer, n(120)),
        row("DiscoveryCollectionRetentionSeconds", .unsignedInteger, n(120)),
        row("DeadInstanceDiscoveryMaxConcurrency", .unsignedInteger, n(0)),
        row("DeadInstanceDiscoveryLogsEnabled", .boolean, f),
        row("EnableDiscoveryFiltersLogs", .boolean, t),
        row("InstanceWriteBufferSize", .integer, n(100)),
        row("BufferInstanceWrites", .boolean, f),
        row("InstanceFlushIntervalMilliseconds", .integer, n(100)),
        row("InstanceBulkOperationsWaitTimeoutSeconds", .unsignedInteger, n(10)),
        row("ExpiryHostnameResolvesMinutes", .integer, n(60)),
        row("RejectHostnameResolvePattern", .pattern, empty),
        row("ReduceReplicationAnalysisCount", .boolean, t),
        row("MaxOutdatedKeysToShow", .integer, n(64)),
    ]

    private static let mysqlMisc: [Row] = [
        row("SupportFuzzyPoolHostnames", .boolean, t),
        row("InstancePoolExpiryMinutes", .unsignedInteger, n(60)),
    ]

    private static let lagQueries: [Row] = [
        row("ReplicationLagQuery", .string, empty),
        row("SlaveLagQuery", .string, empty),
    ]

    private static let logging: [Row] = [
        row("EnableSyslog", .boolean, f),
    ]

    private static let cosmetics: [Row] = [
        row("PrependMessagesWithOrcIdentity", .string, empty),
        row("CustomOrcIdentity", .string, empty),
        row("SnapshotTopologiesIntervalHours", .unsignedInteger, n(0)),
    ]
}

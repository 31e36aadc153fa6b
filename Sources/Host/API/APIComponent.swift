/// The shapes the document shares between operations (`components/schemas`), by name. A case
/// is what `APISchema.ref` points at, so a reference cannot name a shape that is not defined;
/// `schema` is the shape as the JSON types of this folder encode it (`InstanceJSON`,
/// `ClusterInfoJSON`, `Envelope`, `V2Envelope`, `HealthRoutes.Health`, `AnalysisJSON`,
/// `RecoveryJSON`, `AuditRoutes.EntryJSON`).
enum APIComponent: String, CaseIterable, Sendable {
    case instanceKey = "InstanceKey", nullInt64 = "NullInt64", instance = "Instance"
    case clusterInfo = "ClusterInfo", clusterTopology = "ClusterTopology"
    case envelope = "Envelope", errorEnvelope = "ErrorEnvelope"
    case healthNode = "HealthNode", health = "Health", healthEnvelope = "HealthEnvelope"
    case v2Envelope = "V2Envelope", v2Error = "V2Error", v2Status = "V2Status"
    case replicationAnalysis = "ReplicationAnalysis", topologyRecovery = "TopologyRecovery"
    case topologyRecoveryStep = "TopologyRecoveryStep", blockedRecovery = "BlockedRecovery"
    case downtime = "Downtime", audit = "Audit"

    /// `components/schemas`.
    static var schemas: [String: APISchema] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.schema) })
    }

    var schema: APISchema {
        switch self {
        case .instanceKey: .object(["Hostname": .string, "Port": .integer], required: .all)
        case .nullInt64: .object(["Int64": .integer.format("int64"), "Valid": .boolean], required: .all)
        case .instance: Self.instanceSchema
        case .clusterInfo:
            .object(["ClusterName": .string, "ClusterAlias": .string, "ClusterDomain": .string, "CountInstances": .integer,
                     "HeuristicLag": .integer, "HasAutomatedMasterRecovery": .boolean, "HasAutomatedIntermediateMasterRecovery": .boolean,
                     "PrimaryKey": .ref(.instanceKey), "SystemIdentifier": .string], required: .all)
        case .clusterTopology: .object(["clusterName": .string, "topology": .string], required: .all)
        case .envelope:
            .object(["Code": .oneOf(["OK", "ERROR"]), "Message": .string, "Details": .any], required: ["Code", "Message"])
        case .errorEnvelope:
            .object(["Code": .oneOf(["ERROR"]), "Message": .string, "Details": .any.nullable], required: ["Code", "Message"])
        case .healthNode: .object(["Hostname": .string, "Token": .string, "AppVersion": .string, "DBBackend": .string])
        case .health: .object(Self.healthProperties)
        case .healthEnvelope: .envelope(details: .ref(.health))
        case .v2Envelope:
            .object(["status": .oneOf(["ok", "error"]), "data": .any.nullable,
                     "error": .object(["code": .string, "message": .string]), "message": .string], required: ["status", "data"])
        case .v2Error:
            .object(["status": .oneOf(["error"]), "data": .any.nullable,
                     "error": .object(["code": .string.example("NOT_FOUND"), "message": .string], required: .all),
                     "message": .string], required: ["status", "error"])
        case .v2Status:
            .object(Self.healthProperties.merging(["RaftLeader": .string, "IsRaftLeader": .boolean, "RaftLeaderURI": .string,
                                                   "RaftAdvertise": .string, "RaftHealthyMembers": .array(.string)]) { $1 })
        case .replicationAnalysis: Self.replicationAnalysisSchema
        case .topologyRecovery: Self.topologyRecoverySchema
        case .topologyRecoveryStep:
            .object(["Id": .integer, "RecoveryUID": .string, "AuditAt": .string, "Message": .string])
        case .blockedRecovery:
            .object(["FailedInstanceKey": .ref(.instanceKey), "ClusterName": .string, "Analysis": .string,
                     "LastBlockedTimestamp": .string, "BlockingRecoveryId": .string, "Reason": .string])
        case .downtime:
            .object(["Key": .ref(.instanceKey), "DowntimeOwner": .string, "DowntimeReason": .string,
                     "BeginTimestamp": .string, "DowntimeEndTimestamp": .string, "IsDowntimed": .boolean])
        case .audit:
            .object(["AuditId": .integer, "AuditTimestamp": .string,
                     "AuditType": .string.described("the route's action, e.g. begin-downtime"),
                     "AuditInstanceKey": .ref(.instanceKey), "Message": .string, "User": .string,
                     "Source": .string.described("client address:port, or unix-socket"), "Method": .string, "Path": .string,
                     "Status": .integer.described("HTTP status of the answer")], required: .all)
        }
    }

    /// `/api/health`'s details; `/api/v2/status` adds upstream's raft fields.
    private static let healthProperties: [String: APISchema] = [
        "Healthy": .boolean, "Hostname": .string, "Token": .string, "IsActiveNode": .boolean,
        "ActiveNode": .ref(.healthNode), "Error": .string.nullable, "AvailableNodes": .array(.ref(.healthNode)),
    ]

    private static let instanceSchema = APISchema.object([
        "Key": .ref(.instanceKey), "InstanceAlias": .string, "Uptime": .integer, "ServerID": .integer, "ServerUUID": .string,
        "Version": .string, "VersionComment": .string, "FlavorName": .string.example("PostgreSQL"),
        "ReadOnly": .boolean.described("pg_is_in_recovery()"), "MasterKey": .ref(.instanceKey),
        "ReplicationIOThreadRuning": .boolean, "ReplicationSQLThreadRuning": .boolean,
        "Slave_IO_Running": .boolean, "Slave_SQL_Running": .boolean,
        "ReplicationIOThreadState": .integer, "ReplicationSQLThreadState": .integer,
        "SecondsBehindMaster": .ref(.nullInt64), "ReplicationLagSeconds": .ref(.nullInt64), "SlaveLagSeconds": .ref(.nullInt64),
        "Replicas": .array(.ref(.instanceKey)), "SlaveHosts": .array(.ref(.instanceKey)),
        "ClusterName": .string, "SuggestedClusterAlias": .string,
        "DataCenter": .string, "Region": .string, "PhysicalEnvironment": .string, "ReplicationDepth": .integer, "IsCoMaster": .boolean,
        "IsLastCheckValid": .boolean, "IsUpToDate": .boolean, "IsRecentlyChecked": .boolean, "LastSeenTimestamp": .string,
        "SecondsSinceLastSeen": .ref(.nullInt64), "LastDiscoveryLatency": .integer.described("nanoseconds"),
        "Problems": .array(.string),
        "IsCandidate": .boolean, "PromotionRule": .string, "IsDowntimed": .boolean, "DowntimeReason": .string,
        "DowntimeOwner": .string, "DowntimeEndTimestamp": .string, "GTIDMode": .string,
        "ProviderType": .string.example("postgresql"),
        "ServerVersionNum": .integer, "SystemIdentifier": .string, "Timeline": .integer,
        "CurrentLSN": .string.example("0/3000148"),
        "ReceiveLSN": .string, "ReplayLSN": .string, "ReplayPaused": .boolean, "WalReceiverStatus": .string, "SyncState": .string,
        "ReplicationSlot": .string, "SynchronousStandbyNames": .string,
        "PrimaryConnInfo": .string.described("primary_conninfo with the password removed"),
        "WalReceiverTimeout": .string, "DefaultTransactionReadOnly": .boolean, "DataChecksums": .boolean, "WalLogHints": .boolean,
        "LastCheckedTimestamp": .string, "FirstSeenTimestamp": .string, "ConsecutiveFailures": .integer, "LastError": .string,
    ], required: .all)

    private static let replicationAnalysisSchema = APISchema.object([
        "AnalyzedInstanceKey": .ref(.instanceKey), "AnalyzedInstanceMasterKey": .ref(.instanceKey),
        "ClusterDetails": .object(["ClusterName": .string, "ClusterAlias": .string]),
        "IsMaster": .boolean, "IsCoMaster": .boolean, "IsReadOnly": .boolean, "LastCheckValid": .boolean,
        "LastCheckPartialSuccess": .boolean, "CountReplicas": .integer, "CountValidReplicas": .integer,
        "CountValidReplicatingReplicas": .integer, "CountReplicasFailingToConnectToMaster": .integer,
        "CountDowntimedReplicas": .integer, "CountLaggingReplicas": .integer,
        "Replicas": .array(.ref(.instanceKey)), "SlaveHosts": .array(.ref(.instanceKey)),
        "Analysis": .oneOf(["DeadPrimary", "DeadPrimaryAndSomeStandbys", "DeadPrimaryAndStandbys", "DeadPrimaryWithoutStandbys",
                            "UnreachablePrimary", "DeadIntermediatePrimary", "AllStandbysNotReplicating", "StandbyNotReplicating",
                            "StandbyUpstreamUnknown", "StandbyNotStreaming", "InstanceQuarantined", "StandbyLagging", "SplitBrain",
                            "NoProblem"]),
        "Description": .string, "StructureAnalysis": .array(.string), "IsDowntimed": .boolean,
        "DowntimeEndTimestamp": .string.nullable, "SkippableDueToDowntime": .boolean, "IsActionableRecovery": .boolean,
        "CountStreamingReplicas": .integer, "SystemIdentifier": .string.nullable, "LastLSN": .string.nullable,
    ])

    private static let topologyRecoverySchema = APISchema.object([
        "Id": .integer, "UID": .string, "AnalysisEntry": .ref(.replicationAnalysis),
        "SuccessorKey": APISchema.allOf(.ref(.instanceKey)).nullable, "SuccessorAlias": .string,
        "SuccessorBinlogCoordinates": .anyObject.nullable,
        "IsActive": .boolean, "IsSuccessful": .boolean,
        "LostReplicas": .array(.ref(.instanceKey)), "ParticipatingInstanceKeys": .array(.ref(.instanceKey)),
        "AllErrors": .array(.string), "RecoveryStartTimestamp": .string, "RecoveryEndTimestamp": .string,
        "ProcessingNodeHostname": .string, "ProcessingNodeToken": .string,
        "Acknowledged": .boolean, "AcknowledgedAt": .string, "AcknowledgedBy": .string, "AcknowledgedComment": .string,
        "LastDetectionId": .integer, "RelatedRecoveryId": .integer, "RecoveryType": .string,
        "Status": .oneOf(["running", "successful", "failed", "aborted", "interrupted"]), "Command": .string,
        "SuccessorLSN": .string.nullable,
    ])
}

extension APISchema {
    /// v1's `{"Code","Message","Details"}` with `details` as its `Details`.
    static func envelope(details: APISchema) -> APISchema {
        .allOf(.ref(.envelope), .object(["Details": details]))
    }

    /// v2's `{"status","data","error"}` with `data` as its `data`.
    static func v2Envelope(data: APISchema) -> APISchema {
        .allOf(.ref(.v2Envelope), .object(["data": data]))
    }
}

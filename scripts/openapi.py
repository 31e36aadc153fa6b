#!/usr/bin/env python3
# The API's OpenAPI 3 document. Writes docs/openapi.json and the copy the daemon serves at
# /api/openapi.json (Sources/Host/API/OpenAPIDocument+Text.swift). A route added to the server
# is added here too; HostTests' OpenAPITests fail until both agree.
import json, pathlib
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def arr(s): return {"type":"array","items":s}
P_HOST={"name":"host","in":"path","required":True,"schema":{"type":"string","maxLength":255},"description":"Host name or address as the topology knows it"}
P_PORT={"name":"port","in":"path","required":True,"schema":{"type":"integer","minimum":1,"maximum":65535}}
P_HINT={"name":"hint","in":"path","required":True,"schema":{"type":"string","maxLength":255},"description":"Cluster name, cluster alias, or host:port of any member"}
P_PAGE={"name":"page","in":"path","required":True,"schema":{"type":"integer","minimum":0,"maximum":1000000}}
P_ID={"name":"id","in":"path","required":True,"schema":{"type":"integer","minimum":0}}
P_UID={"name":"uid","in":"path","required":True,"schema":{"type":"string"}}
P_COMMENT={"name":"comment","in":"query","schema":{"type":"string"}}
P_OWNER={"name":"owner","in":"path","required":True,"schema":{"type":"string"}}
P_REASON={"name":"reason","in":"path","required":True,"schema":{"type":"string"}}
P_DURATION={"name":"duration","in":"path","required":True,"schema":{"type":"string","example":"15m"}}
P_A={"name":"a","in":"path","required":True,"schema":{"type":"string","maxLength":255},"description":"a cluster hint (name, alias, host:port), or the host of a member when b is its port"}
P_B={"name":"b","in":"path","required":True,"schema":{"type":"string"},"description":"the port of a's member, or the designated standby's host"}
P_C={"name":"c","in":"path","required":True,"schema":{"type":"string"},"description":"the designated standby's port, or its host"}
P_D={"name":"d","in":"path","required":True,"schema":{"type":"integer","minimum":1,"maximum":65535},"description":"the designated standby's port"}
def jresp(desc, schema): return {"description":desc,"content":{"application/json":{"schema":schema}}}
V1ERR={"400":jresp("Malformed host, port or parameter", ref("ErrorEnvelope")),
       "401":jresp("Authentication required (AuthenticationMethod basic or multi)", ref("ErrorEnvelope")),
       "500":jresp("ERROR envelope: unknown instance or cluster, or the action failed", ref("ErrorEnvelope"))}
V1ERR={**V1ERR, "429":jresp("Too many wrong credentials from this address; retry after Retry-After seconds", ref("ErrorEnvelope"))}
V1WRITE={**V1ERR, "403":jresp("Refused: ReadOnly mode, the multi method's readonly user, protected mode (AuthenticationMethod \"\" and a client that is not local), or a cross-site browser request (Sec-Fetch-Site, Origin)", ref("ErrorEnvelope"))}
V2ERR={"400":jresp("Malformed parameter", ref("V2Error")),"401":jresp("Authentication required", ref("V2Error")),"404":jresp("Unknown cluster or instance", ref("V2Error"))}
# Access classes, as the server attaches them to its routes (x-access): open probes, reads
# (GET), writes (GET for upstream's clients, and POST; audited).
OPEN={"health","status","leaderCheck","leaderCheckCode","v2Status"}
def op(summary, tag, params, ok, errors, desc=None, opid=None):
    access="write" if errors is V1WRITE else "open" if opid in OPEN else "read"
    o={"summary":summary,"tags":[tag],"operationId":opid,"x-access":access,"responses":{"200":ok, **errors}}
    if params: o["parameters"]=params
    if desc: o["description"]=desc
    if access!="write": return {"get":o}
    return {"get":o, "post":{**o,"operationId":opid+"Post"}}
def v2ok(schema): return jresp("OK", {"allOf":[ref("V2Envelope"),{"type":"object","properties":{"data":schema}}]})
paths={
 "/api/health": op("Health of this node","health",[],jresp("Healthy (Code OK); unhealthy (backend unreadable or refusing writes) answers ERROR with HTTP 503 and the reason", ref("HealthEnvelope")),{"503":jresp("Unhealthy",ref("HealthEnvelope"))},opid="health"),
 "/api/status": op("Status of this node (same as health)","health",[],jresp("Healthy", ref("HealthEnvelope")),{"503":jresp("Unhealthy",ref("HealthEnvelope"))},opid="status"),
 "/api/leader-check": op("200 on the leader; this daemon is always the leader","health",[],jresp("Leader",{"type":"string","example":"OK"}),{},opid="leaderCheck"),
 "/api/leader-check/{code}": op("Leader check with the status a non-leader would answer","health",[{"name":"code","in":"path","required":True,"schema":{"type":"string"}}],jresp("Leader",{"type":"string","example":"OK"}),{},opid="leaderCheckCode"),
 "/api/openapi.json": op("This document","health",[],jresp("OpenAPI 3 document",{"type":"object"}),{},opid="openapi"),
 "/api/discover/{host}/{port}": op("Probe an instance and add it (and what it replicates with) to the topology","instances",[P_HOST,P_PORT],jresp("Discovered", {"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("Instance")}}]}),V1WRITE,opid="discover"),
 "/api/forget/{host}/{port}": op("Forget an instance","instances",[P_HOST,P_PORT],jresp("Forgotten", {"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="forget"),
 "/api/instance/{host}/{port}": op("One instance","instances",[P_HOST,P_PORT],jresp("The instance",ref("Instance")),V1ERR,opid="instance"),
 "/api/instance-replicas/{host}/{port}": op("The direct standbys of an instance","instances",[P_HOST,P_PORT],jresp("Standbys",arr(ref("Instance"))),V1ERR,opid="instanceReplicas"),
 "/api/all-instances": op("Every known instance","instances",[],jresp("Instances",arr(ref("Instance"))),V1ERR,opid="allInstances"),
 "/api/clusters": op("Cluster names","clusters",[],jresp("Names",arr({"type":"string"})),V1ERR,opid="clusters"),
 "/api/clusters-info": op("Every cluster with its alias and counts","clusters",[],jresp("Clusters",arr(ref("ClusterInfo"))),V1ERR,opid="clustersInfo"),
 "/api/cluster/{hint}": op("The instances of a cluster","clusters",[P_HINT],jresp("Instances",arr(ref("Instance"))),V1ERR,opid="cluster"),
 "/api/cluster/alias/{alias}": op("The instances of the cluster with this alias","clusters",[{"name":"alias","in":"path","required":True,"schema":{"type":"string","maxLength":255}}],jresp("Instances",arr(ref("Instance"))),V1ERR,opid="clusterByAlias"),
 "/api/cluster-info/{hint}": op("One cluster's summary","clusters",[P_HINT],jresp("Cluster",ref("ClusterInfo")),V1ERR,opid="clusterInfo"),
 "/api/master/{hint}": op("The primary of a cluster","clusters",[P_HINT],jresp("Primary",ref("Instance")),V1ERR,opid="master"),
 "/api/masters": op("The primary of every cluster","clusters",[],jresp("Primaries",arr(ref("Instance"))),V1ERR,opid="masters"),
 "/api/topology/{hint}": op("A cluster as text, one line per instance","clusters",[P_HINT],jresp("Details holds the text tree", {"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":{"type":"string","example":"db1:5432 [0s,ok,16.4,rw,>>]\n+ db2:5432 [0s,ok,16.4,ro,>>]"}}}]}),V1ERR,opid="topology"),
 "/api/forget-cluster/{hint}": op("Forget every instance of a cluster","clusters",[P_HINT],jresp("Forgotten", {"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":arr(ref("InstanceKey"))}}]}),V1WRITE,opid="forgetCluster"),
 "/api/v2/status": op("Status of this node","v2",[],v2ok(ref("V2Status")),{"503":jresp("Unhealthy",ref("V2Envelope"))},opid="v2Status"),
 "/api/v2/clusters": op("Every cluster","v2",[],v2ok(arr(ref("ClusterInfo"))),V2ERR,opid="v2Clusters"),
 "/api/v2/clusters/{name}": op("One cluster","v2",[{**P_HINT,"name":"name"}],v2ok(ref("ClusterInfo")),V2ERR,opid="v2Cluster"),
 "/api/v2/clusters/{name}/instances": op("The instances of a cluster","v2",[{**P_HINT,"name":"name"}],v2ok(arr(ref("Instance"))),V2ERR,opid="v2ClusterInstances"),
 "/api/v2/clusters/{name}/topology": op("A cluster as text","v2",[{**P_HINT,"name":"name"}],v2ok(ref("ClusterTopology")),V2ERR,opid="v2ClusterTopology"),
 "/api/v2/instances/{host}/{port}": op("One instance","v2",[P_HOST,P_PORT],v2ok(ref("Instance")),V2ERR,opid="v2Instance"),
 "/api/replication-analysis": op("Current problems of every cluster (DeadPrimary, UnreachablePrimary, ...)","recovery",[],jresp("Message Analysis; Details the entries",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":arr(ref("ReplicationAnalysis"))}}]}),V1ERR,opid="replicationAnalysis"),
 "/api/replication-analysis/{hint}": op("Current problems of one cluster","recovery",[P_HINT],jresp("Entries",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":arr(ref("ReplicationAnalysis"))}}]}),V1ERR,opid="replicationAnalysisCluster"),
 "/api/replication-analysis/instance/{host}/{port}": op("Current problems of one instance","recovery",[P_HOST,P_PORT],jresp("Entries",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":arr(ref("ReplicationAnalysis"))}}]}),V1ERR,opid="replicationAnalysisInstance"),
 "/api/recover/{host}/{port}": op("Recover the failure of this instance now (skips filters, downtime, global switch and block period; never two at once)","recovery",[P_HOST,P_PORT],jresp("Recovered; Details the successor",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="recover"),
 "/api/recover/{host}/{port}/{candHost}/{candPort}": op("Recover, promoting this standby (it must hold as much WAL as any other)","recovery",[P_HOST,P_PORT,{**P_HOST,"name":"candHost"},{**P_PORT,"name":"candPort"}],jresp("Recovered",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="recoverWithCandidate"),
 "/api/audit": op("API writes, newest first (who, from where, which route, outcome), 20 a page","audit",[],jresp("Entries",arr(ref("Audit"))),V1ERR,opid="audit"),
 "/api/audit/{page}": op("API writes, one page of 20","audit",[P_PAGE],jresp("Entries",arr(ref("Audit"))),V1ERR,opid="auditPage"),
 "/api/audit/instance/{host}/{port}": op("API writes naming this instance","audit",[P_HOST,P_PORT],jresp("Entries",arr(ref("Audit"))),V1ERR,opid="auditInstance"),
 "/api/audit/instance/{host}/{port}/{page}": op("API writes naming this instance, one page","audit",[P_HOST,P_PORT,P_PAGE],jresp("Entries",arr(ref("Audit"))),V1ERR,opid="auditInstancePage"),
 "/api/audit-recovery": op("Recoveries, newest first","recovery",[],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecovery"),
 "/api/audit-recovery/{page}": op("Recoveries, one page of 50","recovery",[P_PAGE],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecoveryPage"),
 "/api/audit-recovery/cluster/{hint}": op("Recoveries of a cluster (by system identifier, whatever it was called then)","recovery",[P_HINT],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecoveryCluster"),
 "/api/audit-recovery/cluster/{hint}/{page}": op("Recoveries of a cluster, one page","recovery",[P_HINT,P_PAGE],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecoveryClusterPage"),
 "/api/audit-recovery/id/{id}": op("One recovery by id","recovery",[P_ID],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecoveryId"),
 "/api/audit-recovery/uid/{uid}": op("One recovery by UID","recovery",[P_UID],jresp("Recoveries",arr(ref("TopologyRecovery"))),V1ERR,opid="auditRecoveryUID"),
 "/api/audit-recovery-steps/{uid}": op("The steps of one recovery, with their times and hook output","recovery",[P_UID],jresp("Steps",arr(ref("TopologyRecoveryStep"))),V1ERR,opid="auditRecoverySteps"),
 "/api/blocked-recoveries": op("Recoveries held back by RecoveryPeriodBlockSeconds","recovery",[],jresp("Blocked",arr(ref("BlockedRecovery"))),V1ERR,opid="blockedRecoveries"),
 "/api/blocked-recoveries/cluster/{hint}": op("Blocked recoveries of a cluster","recovery",[P_HINT],jresp("Blocked",arr(ref("BlockedRecovery"))),V1ERR,opid="blockedRecoveriesCluster"),
 "/api/ack-recovery/cluster/{hint}": op("Acknowledge a cluster's recoveries (?comment=)","recovery",[P_HINT,P_COMMENT],jresp("Details: how many",ref("Envelope")),V1WRITE,opid="ackRecoveryCluster"),
 "/api/ack-recovery/instance/{host}/{port}": op("Acknowledge the recoveries of a failed instance","recovery",[P_HOST,P_PORT,P_COMMENT],jresp("Details: how many",ref("Envelope")),V1WRITE,opid="ackRecoveryInstance"),
 "/api/ack-recovery/uid/{uid}": op("Acknowledge one recovery by UID","recovery",[P_UID,P_COMMENT],jresp("Details: how many",ref("Envelope")),V1WRITE,opid="ackRecoveryUID"),
 "/api/ack-recovery/{id}": op("Acknowledge one recovery by id","recovery",[P_ID,P_COMMENT],jresp("Details: how many",ref("Envelope")),V1WRITE,opid="ackRecoveryId"),
 "/api/ack-all-recoveries": op("Acknowledge every recovery","recovery",[P_COMMENT],jresp("Details: how many",ref("Envelope")),V1WRITE,opid="ackAllRecoveries"),
 "/api/disable-global-recoveries": op("Stop automated recoveries (persisted)","recovery",[],jresp("Details: disabled",ref("Envelope")),V1WRITE,opid="disableGlobalRecoveries"),
 "/api/enable-global-recoveries": op("Allow automated recoveries again","recovery",[],jresp("Details: enabled",ref("Envelope")),V1WRITE,opid="enableGlobalRecoveries"),
 "/api/check-global-recoveries": op("Whether automated recoveries are enabled","recovery",[],jresp("Details: enabled or disabled",ref("Envelope")),V1ERR,opid="checkGlobalRecoveries"),
 "/api/begin-downtime/{host}/{port}/{owner}/{reason}": op("Downtime an instance for an hour","maintenance",[P_HOST,P_PORT,P_OWNER,P_REASON],jresp("Downtimed",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="beginDowntime"),
 "/api/begin-downtime/{host}/{port}/{owner}/{reason}/{duration}": op("Downtime an instance (duration 90, 90s, 15m, 2h, 1d)","maintenance",[P_HOST,P_PORT,P_OWNER,P_REASON,P_DURATION],jresp("Downtimed",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="beginDowntimeFor"),
 "/api/end-downtime/{host}/{port}": op("End an instance's downtime","maintenance",[P_HOST,P_PORT],jresp("Ended",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="endDowntime"),
 "/api/downtimed": op("Downtimed instances","maintenance",[],jresp("Downtimes",arr(ref("Downtime"))),V1ERR,opid="downtimed"),
 "/api/downtimed/{hint}": op("Downtimed instances of a cluster","maintenance",[P_HINT],jresp("Downtimes",arr(ref("Downtime"))),V1ERR,opid="downtimedCluster"),
 "/api/register-candidate/{host}/{port}/{rule}": op("Set a standby's promotion rule for CandidateInstanceExpireMinutes","maintenance",[P_HOST,P_PORT,{"name":"rule","in":"path","required":True,"schema":{"type":"string","enum":["must","prefer","neutral","prefer_not","must_not"]}}],jresp("Registered",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="registerCandidate"),
 "/api/v2/recoveries": op("Recoveries (?cluster= or ?alias=, ?page=)","v2",[{"name":"cluster","in":"query","schema":{"type":"string"}},{"name":"alias","in":"query","schema":{"type":"string"}},{"name":"page","in":"query","schema":{"type":"integer","minimum":0,"maximum":1000000}}],v2ok(arr(ref("TopologyRecovery"))),V2ERR,opid="v2Recoveries"),
 "/api/v2/recoveries/active": op("Recoveries running now","v2",[],v2ok(arr(ref("TopologyRecovery"))),V2ERR,opid="v2ActiveRecoveries"),
 "/api/plugins": op("Loaded plugins in dispatch order, with each one's last result","plugins",[],jresp("Plugin status",{"type":"object"}),V1ERR,opid="plugins"),
 "/api/reload-configuration": op("Re-read the plugin settings, Lua scripts and hook directories (as SIGHUP)","plugins",[],jresp("Reloaded",ref("Envelope")),V1WRITE,opid="reloadConfiguration"),
 **{f"/api/{name}/{{a}}": op(f"Graceful switchover of cluster a ({'the best standby' if auto else 'its single standby'})","switchover",[P_A],jresp("Details: the TopologyRecovery",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("TopologyRecovery")}}]}),V1WRITE,opid=f"{op_id}") for name, auto, op_id in [("graceful-master-takeover", False, "gracefulMasterTakeover"), ("graceful-master-takeover-auto", True, "gracefulMasterTakeoverAuto")]},
 **{f"/api/{name}/{{a}}/{{b}}": op("Graceful switchover of the cluster of instance a:b","switchover",[P_A,P_B],jresp("Details: the TopologyRecovery",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("TopologyRecovery")}}]}),V1WRITE,opid=f"{op_id}Instance") for name, op_id in [("graceful-master-takeover", "gracefulMasterTakeover"), ("graceful-master-takeover-auto", "gracefulMasterTakeoverAuto")]},
 **{f"/api/{name}/{{a}}/{{b}}/{{c}}": op("Graceful switchover of cluster a to the designated standby b:c","switchover",[P_A,P_B,P_C],jresp("Details: the TopologyRecovery",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("TopologyRecovery")}}]}),V1WRITE,opid=f"{op_id}Designated") for name, op_id in [("graceful-master-takeover", "gracefulMasterTakeover"), ("graceful-master-takeover-auto", "gracefulMasterTakeoverAuto")]},
 **{f"/api/{name}/{{a}}/{{b}}/{{c}}/{{d}}": op("Graceful switchover of the cluster of instance a:b to the designated standby c:d","switchover",[P_A,P_B,P_C,P_D],jresp("Details: the TopologyRecovery",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("TopologyRecovery")}}]}),V1WRITE,opid=f"{op_id}InstanceDesignated") for name, op_id in [("graceful-master-takeover", "gracefulMasterTakeover"), ("graceful-master-takeover-auto", "gracefulMasterTakeoverAuto")]},
 "/api/relocate/{host}/{port}/{belowHost}/{belowPort}": op("Re-point a standby below another instance of its cluster (refuses loops)","switchover",[P_HOST,P_PORT,{**P_HOST,"name":"belowHost"},{**P_PORT,"name":"belowPort"}],jresp("Relocated; Details the standby",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="relocate"),
 "/api/move-below/{host}/{port}/{siblingHost}/{siblingPort}": op("Re-point a standby below a sibling (as relocate)","switchover",[P_HOST,P_PORT,{**P_HOST,"name":"siblingHost"},{**P_PORT,"name":"siblingPort"}],jresp("Moved; Details the standby",{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("InstanceKey")}}]}),V1WRITE,opid="moveBelow"),
 "/metrics": op("Prometheus metrics (PrometheusEnabled)","health",[],{"description":"Prometheus text format","content":{"text/plain":{"schema":{"type":"string"}}}},{"401":jresp("Authentication required",ref("ErrorEnvelope"))},opid="metrics"),
}
S=lambda t,**k: {"type":t,**k}
null64={"type":"object","properties":{"Int64":S("integer",format="int64"),"Valid":S("boolean")},"required":["Int64","Valid"]}
inst_props={
 "Key":ref("InstanceKey"),"InstanceAlias":S("string"),"Uptime":S("integer"),"ServerID":S("integer"),"ServerUUID":S("string"),
 "Version":S("string"),"VersionComment":S("string"),"FlavorName":S("string",example="PostgreSQL"),
 "ReadOnly":S("boolean",description="pg_is_in_recovery()"),"MasterKey":ref("InstanceKey"),
 "ReplicationIOThreadRuning":S("boolean"),"ReplicationSQLThreadRuning":S("boolean"),"Slave_IO_Running":S("boolean"),"Slave_SQL_Running":S("boolean"),
 "ReplicationIOThreadState":S("integer"),"ReplicationSQLThreadState":S("integer"),
 "SecondsBehindMaster":ref("NullInt64"),"ReplicationLagSeconds":ref("NullInt64"),"SlaveLagSeconds":ref("NullInt64"),
 "Replicas":arr(ref("InstanceKey")),"SlaveHosts":arr(ref("InstanceKey")),"ClusterName":S("string"),"SuggestedClusterAlias":S("string"),
 "DataCenter":S("string"),"Region":S("string"),"PhysicalEnvironment":S("string"),"ReplicationDepth":S("integer"),"IsCoMaster":S("boolean"),
 "IsLastCheckValid":S("boolean"),"IsUpToDate":S("boolean"),"IsRecentlyChecked":S("boolean"),"LastSeenTimestamp":S("string"),
 "SecondsSinceLastSeen":ref("NullInt64"),"LastDiscoveryLatency":S("integer",description="nanoseconds"),"Problems":arr(S("string")),
 "IsCandidate":S("boolean"),"PromotionRule":S("string"),"IsDowntimed":S("boolean"),"DowntimeReason":S("string"),"DowntimeOwner":S("string"),
 "DowntimeEndTimestamp":S("string"),"GTIDMode":S("string"),"ProviderType":S("string",example="postgresql"),
 "ServerVersionNum":S("integer"),"SystemIdentifier":S("string"),"Timeline":S("integer"),"CurrentLSN":S("string",example="0/3000148"),
 "ReceiveLSN":S("string"),"ReplayLSN":S("string"),"ReplayPaused":S("boolean"),"WalReceiverStatus":S("string"),"SyncState":S("string"),
 "ReplicationSlot":S("string"),"SynchronousStandbyNames":S("string"),"PrimaryConnInfo":S("string",description="primary_conninfo with the password removed"),
 "WalReceiverTimeout":S("string"),"DefaultTransactionReadOnly":S("boolean"),"DataChecksums":S("boolean"),"WalLogHints":S("boolean"),
 "LastCheckedTimestamp":S("string"),"FirstSeenTimestamp":S("string"),"ConsecutiveFailures":S("integer"),"LastError":S("string"),
}
schemas={
 "InstanceKey":{"type":"object","properties":{"Hostname":S("string"),"Port":S("integer")},"required":["Hostname","Port"]},
 "NullInt64":null64,
 "Instance":{"type":"object","properties":inst_props,"required":sorted(inst_props)},
 "ClusterInfo":{"type":"object","properties":{"ClusterName":S("string"),"ClusterAlias":S("string"),"ClusterDomain":S("string"),"CountInstances":S("integer"),
   "HeuristicLag":S("integer"),"HasAutomatedMasterRecovery":S("boolean"),"HasAutomatedIntermediateMasterRecovery":S("boolean"),
   "PrimaryKey":ref("InstanceKey"),"SystemIdentifier":S("string")},
   "required":["ClusterName","ClusterAlias","ClusterDomain","CountInstances","HeuristicLag","HasAutomatedMasterRecovery","HasAutomatedIntermediateMasterRecovery","PrimaryKey","SystemIdentifier"]},
 "Envelope":{"type":"object","properties":{"Code":S("string",enum=["OK","ERROR"]),"Message":S("string"),"Details":{}},"required":["Code","Message"]},
 "ErrorEnvelope":{"type":"object","properties":{"Code":S("string",enum=["ERROR"]),"Message":S("string"),"Details":{"nullable":True}},"required":["Code","Message"]},
 "HealthNode":{"type":"object","properties":{"Hostname":S("string"),"Token":S("string"),"AppVersion":S("string"),"DBBackend":S("string")}},
 "Health":{"type":"object","properties":{"Healthy":S("boolean"),"Hostname":S("string"),"Token":S("string"),"IsActiveNode":S("boolean"),
   "ActiveNode":ref("HealthNode"),"Error":S("string",nullable=True),"AvailableNodes":arr(ref("HealthNode"))}},
 "HealthEnvelope":{"allOf":[ref("Envelope"),{"type":"object","properties":{"Details":ref("Health")}}]},
 "V2Envelope":{"type":"object","properties":{"status":S("string",enum=["ok","error"]),"data":{"nullable":True},
   "error":{"type":"object","properties":{"code":S("string"),"message":S("string")}},"message":S("string")},"required":["status","data"]},
 "V2Error":{"type":"object","properties":{"status":S("string",enum=["error"]),"data":{"nullable":True},
   "error":{"type":"object","properties":{"code":S("string",example="NOT_FOUND"),"message":S("string")},"required":["code","message"]},"message":S("string")},"required":["status","error"]},
 "V2Status":{"type":"object","properties":{"Healthy":S("boolean"),"Hostname":S("string"),"Token":S("string"),"IsActiveNode":S("boolean"),
   "ActiveNode":ref("HealthNode"),"RaftLeader":S("string"),"IsRaftLeader":S("boolean"),"RaftLeaderURI":S("string"),"RaftAdvertise":S("string"),
   "RaftHealthyMembers":arr(S("string")),"Error":S("string",nullable=True),"AvailableNodes":arr(ref("HealthNode"))}},
 "ReplicationAnalysis":{"type":"object","properties":{"AnalyzedInstanceKey":ref("InstanceKey"),"AnalyzedInstanceMasterKey":ref("InstanceKey"),
   "ClusterDetails":{"type":"object","properties":{"ClusterName":S("string"),"ClusterAlias":S("string")}},"IsMaster":S("boolean"),"IsCoMaster":S("boolean"),
   "IsReadOnly":S("boolean"),"LastCheckValid":S("boolean"),"LastCheckPartialSuccess":S("boolean"),"CountReplicas":S("integer"),"CountValidReplicas":S("integer"),
   "CountValidReplicatingReplicas":S("integer"),"CountReplicasFailingToConnectToMaster":S("integer"),"CountDowntimedReplicas":S("integer"),
   "CountLaggingReplicas":S("integer"),"Replicas":arr(ref("InstanceKey")),"SlaveHosts":arr(ref("InstanceKey")),
   "Analysis":S("string",enum=["DeadPrimary","DeadPrimaryAndSomeStandbys","DeadPrimaryAndStandbys","DeadPrimaryWithoutStandbys","UnreachablePrimary","DeadIntermediatePrimary","AllStandbysNotReplicating","StandbyNotReplicating","StandbyUpstreamUnknown","StandbyNotStreaming","InstanceQuarantined","StandbyLagging","SplitBrain","NoProblem"]),
   "Description":S("string"),"StructureAnalysis":arr(S("string")),"IsDowntimed":S("boolean"),"DowntimeEndTimestamp":S("string",nullable=True),
   "SkippableDueToDowntime":S("boolean"),"IsActionableRecovery":S("boolean"),"CountStreamingReplicas":S("integer"),
   "SystemIdentifier":S("string",nullable=True),"LastLSN":S("string",nullable=True)}},
 "TopologyRecovery":{"type":"object","properties":{"Id":S("integer"),"UID":S("string"),"AnalysisEntry":ref("ReplicationAnalysis"),
   "SuccessorKey":{"allOf":[ref("InstanceKey")],"nullable":True},"SuccessorAlias":S("string"),"SuccessorBinlogCoordinates":{"type":"object","nullable":True},
   "IsActive":S("boolean"),"IsSuccessful":S("boolean"),"LostReplicas":arr(ref("InstanceKey")),"ParticipatingInstanceKeys":arr(ref("InstanceKey")),
   "AllErrors":arr(S("string")),"RecoveryStartTimestamp":S("string"),"RecoveryEndTimestamp":S("string"),"ProcessingNodeHostname":S("string"),
   "ProcessingNodeToken":S("string"),"Acknowledged":S("boolean"),"AcknowledgedAt":S("string"),"AcknowledgedBy":S("string"),
   "AcknowledgedComment":S("string"),"LastDetectionId":S("integer"),"RelatedRecoveryId":S("integer"),"RecoveryType":S("string"),
   "Status":S("string",enum=["running","successful","failed","aborted","interrupted"]),"Command":S("string"),"SuccessorLSN":S("string",nullable=True)}},
 "TopologyRecoveryStep":{"type":"object","properties":{"Id":S("integer"),"RecoveryUID":S("string"),"AuditAt":S("string"),"Message":S("string")}},
 "BlockedRecovery":{"type":"object","properties":{"FailedInstanceKey":ref("InstanceKey"),"ClusterName":S("string"),"Analysis":S("string"),
   "LastBlockedTimestamp":S("string"),"BlockingRecoveryId":S("string"),"Reason":S("string")}},
 "Downtime":{"type":"object","properties":{"Key":ref("InstanceKey"),"DowntimeOwner":S("string"),"DowntimeReason":S("string"),
   "BeginTimestamp":S("string"),"DowntimeEndTimestamp":S("string"),"IsDowntimed":S("boolean")}},
 "ClusterTopology":{"type":"object","properties":{"clusterName":S("string"),"topology":S("string")},"required":["clusterName","topology"]},
 "Audit":{"type":"object","properties":{"AuditId":S("integer"),"AuditTimestamp":S("string"),"AuditType":S("string",description="the route's action, e.g. begin-downtime"),
   "AuditInstanceKey":ref("InstanceKey"),"Message":S("string"),"User":S("string"),"Source":S("string",description="client address:port, or unix-socket"),
   "Method":S("string"),"Path":S("string"),"Status":S("integer",description="HTTP status of the answer")},
   "required":["AuditId","AuditTimestamp","AuditType","AuditInstanceKey","Message","User","Source","Method","Path","Status"]},
}
doc={"openapi":"3.0.3","info":{"title":"orchestrator for PostgreSQL","version":"1","description":"Orchestrator-compatible API. v1 reads answer raw JSON, v1 actions the {Code,Message,Details} envelope (ERROR with HTTP 500 or a 4xx); v2 answers {status,data,error} with real status codes. Paths are relative to URLPrefix. Reads (x-access read) and probes (x-access open, no credentials) answer GET; writes (x-access write) answer GET, as upstream's clients send them, and POST, and are audited (/api/audit). Under AuthenticationMethod \"\" writes are accepted from local clients only unless AllowRemoteUnauthenticatedWrites; a write a browser marks cross-site is refused."},
 "servers":[{"url":"/"}],
 "components":{"securitySchemes":{"basic":{"type":"http","scheme":"basic"}},"schemas":schemas},
 "security":[{},{"basic":[]}],
 "paths":paths}
text = json.dumps(doc, indent=2) + "\n"
root = pathlib.Path(__file__).resolve().parent.parent
(root / "docs" / "openapi.json").write_text(text)
(root / "Sources" / "Host" / "API" / "OpenAPIDocument+Text.swift").write_text(
    "// Generated by scripts/openapi.py from the same source as docs/openapi.json; edit the script, not this file.\n"
    "extension OpenAPIDocument {\n"
    "    static let text = ##\"\"\"\n" + text + "\n\"\"\"##\n"
    "}\n")


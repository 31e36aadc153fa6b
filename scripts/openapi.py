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
def jresp(desc, schema): return {"description":desc,"content":{"application/json":{"schema":schema}}}
V1ERR={"400":jresp("Malformed host, port or parameter", ref("ErrorEnvelope")),
       "401":jresp("Authentication required (AuthenticationMethod basic or multi)", ref("ErrorEnvelope")),
       "500":jresp("ERROR envelope: unknown instance or cluster, or the action failed", ref("ErrorEnvelope"))}
V1WRITE={**V1ERR, "403":jresp("Refused: ReadOnly mode, or the multi method's readonly user", ref("ErrorEnvelope"))}
V2ERR={"400":jresp("Malformed parameter", ref("V2Error")),"401":jresp("Authentication required", ref("V2Error")),"404":jresp("Unknown cluster or instance", ref("V2Error"))}
def op(summary, tag, params, ok, errors, desc=None, opid=None):
    o={"summary":summary,"tags":[tag],"operationId":opid,"responses":{"200":ok, **errors}}
    if params: o["parameters"]=params
    if desc: o["description"]=desc
    return {"get":o}
def v2ok(schema): return jresp("OK", {"allOf":[ref("V2Envelope"),{"type":"object","properties":{"data":schema}}]})
paths={
 "/api/health": op("Health of this node","health",[],jresp("Healthy (Code OK); unhealthy answers ERROR with HTTP 500", ref("HealthEnvelope")),{"500":jresp("Unhealthy",ref("HealthEnvelope"))},opid="health"),
 "/api/status": op("Status of this node (same as health)","health",[],jresp("Healthy", ref("HealthEnvelope")),{"500":jresp("Unhealthy",ref("HealthEnvelope"))},opid="status"),
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
 "ClusterTopology":{"type":"object","properties":{"clusterName":S("string"),"topology":S("string")},"required":["clusterName","topology"]},
}
doc={"openapi":"3.0.3","info":{"title":"orchestrator for PostgreSQL","version":"1","description":"Orchestrator-compatible API. v1 reads answer raw JSON, v1 actions the {Code,Message,Details} envelope (ERROR with HTTP 500 or a 4xx); v2 answers {status,data,error} with real status codes. Paths are relative to URLPrefix. Every operation is a GET."},
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


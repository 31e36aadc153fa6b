import ConfigJSON
import Testing
@testable import OrchestratorClient

@Suite("orchestrator -c: request paths and output, as orchestrator-client")
struct ClientCommandTests {
    private func path(_ command: String, _ configure: (inout ClientOptions) -> Void = { _ in }) throws -> String {
        var options = ClientOptions(command: command)
        configure(&options)
        return try ClientCommand.requestPath(for: options)
    }

    private func refusal(_ command: String, _ configure: (inout ClientOptions) -> Void = { _ in }) -> String? {
        do {
            _ = try path(command, configure)
            return nil
        } catch let error as ClientError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test("reads and discovery map to orchestrator-client's paths")
    func topologyPaths() throws {
        #expect(try path("clusters") == "clusters-info")
        #expect(try path("clusters-alias") == "clusters-info")
        #expect(try path("all-instances") == "all-instances")
        #expect(try path("topology") { $0.instance = "db1:5432" } == "topology/db1:5432")
        #expect(try path("topology") { $0.instance = "db1:5432"; $0.alias = "sales" } == "topology/sales")
        #expect(try path("which-cluster") { $0.alias = "sales" } == "cluster-info/sales")
        #expect(try path("which-cluster-master") { $0.instance = "db1" } == "master/db1")
        #expect(try path("which-cluster-instances") { $0.alias = "sales" } == "cluster/sales")
        #expect(try path("which-replicas") { $0.instance = "db1:6000" } == "instance-replicas/db1/6000")
        #expect(try path("which-master") { $0.instance = "db2" } == "instance/db2/5432")
        #expect(try path("discover") { $0.instance = "db1:5433" } == "discover/db1/5433")
        #expect(try path("forget") { $0.instance = "db1:5433" } == "forget/db1/5433")
        #expect(try path("forget-cluster") { $0.instance = "db1:5433" } == "forget-cluster/db1:5433")
        #expect(try path("which-slaves") { $0.instance = "db1:1" } == "instance-replicas/db1/1")
    }

    @Test("recovery, downtime and candidate commands map to the v1 recovery paths")
    func recoveryPaths() throws {
        #expect(try path("begin-downtime") { $0.instance = "db1:5432"; $0.owner = "ops team"; $0.reason = "disk/swap" }
                == "begin-downtime/db1/5432/ops%20team/disk%2Fswap/10m")
        #expect(try path("begin-downtime") { $0.instance = "db1"; $0.owner = "o"; $0.reason = "r"; $0.duration = "1h" } == "begin-downtime/db1/5432/o/r/1h")
        #expect(try path("end-downtime") { $0.instance = "db1:5432" } == "end-downtime/db1/5432")
        #expect(try path("downtimed") == "downtimed")
        #expect(try path("downtimed") { $0.alias = "sales" } == "downtimed/sales")
        #expect(try path("replication-analysis") == "replication-analysis")
        #expect(try path("recover") { $0.instance = "db1:5432" } == "recover/db1/5432")
        #expect(try path("graceful-master-takeover") { $0.alias = "sales" } == "graceful-master-takeover/sales")
        #expect(try path("graceful-master-takeover") { $0.alias = "sales"; $0.destination = "db2:5432" } == "graceful-master-takeover/sales/db2/5432")
        #expect(try path("graceful-master-takeover-auto") { $0.instance = "db1:5432" } == "graceful-master-takeover-auto/db1:5432")
        #expect(try path("ack-cluster-recoveries") { $0.alias = "sales"; $0.reason = "fixed it" } == "ack-recovery/cluster/sales?comment=fixed%20it")
        #expect(try path("ack-instance-recoveries") { $0.instance = "db1"; $0.reason = "ok" } == "ack-recovery/instance/db1/5432?comment=ok")
        #expect(try path("ack-all-recoveries") { $0.reason = "a&b=c" } == "ack-all-recoveries?comment=a%26b%3Dc")
        #expect(try path("disable-global-recoveries") == "disable-global-recoveries")
        #expect(try path("enable-global-recoveries") == "enable-global-recoveries")
        #expect(try path("check-global-recoveries") == "check-global-recoveries")
        #expect(try path("register-candidate") { $0.instance = "db2:5432"; $0.promotionRule = "prefer" } == "register-candidate/db2/5432/prefer")
        #expect(try path("api") { $0.path = "/clusters" } == "clusters")
    }

    @Test("missing arguments and unknown commands are refused with what is missing")
    func usageErrors() {
        #expect(refusal("discover") == "instance must be provided")
        #expect(refusal("topology") == "instance|alias must be provided")
        #expect(refusal("begin-downtime") { $0.instance = "db1"; $0.owner = "me" } == "reason must be provided")
        #expect(refusal("register-candidate") { $0.instance = "db1" } == "promotion-rule must be provided")
        #expect(refusal("ack-all-recoveries") == "reason must be provided")
        #expect(refusal("api") == "path must be provided")
        #expect(refusal("relocate")?.contains("Unsupported command relocate") == true)
    }

    @Test("answers print as orchestrator-client's jq filters do")
    func output() throws {
        let instances = try ConfigJSONParser.parse(Array(#"[{"Key":{"Hostname":"db1","Port":5432},"MasterKey":{"Hostname":"","Port":0}},{"Key":{"Hostname":"db2","Port":5432}}]"#.utf8))
        #expect(ClientOutput.keys.lines(instances) == ["db1:5432", "db2:5432"])
        let clusters = try ConfigJSONParser.parse(Array(#"[{"ClusterName":"db1:5432","ClusterAlias":"sales"}]"#.utf8))
        #expect(ClientOutput.field("ClusterName", each: true).lines(clusters) == ["db1:5432"])
        #expect(ClientOutput.clusterAliases.lines(clusters) == ["db1:5432,sales"])
        let envelope = try ConfigJSONParser.parse(Array(#"{"Code":"OK","Message":"m","Details":{"Key":{"Hostname":"db1","Port":5432},"SuccessorKey":{"Hostname":"db2","Port":5432}}}"#.utf8))
        #expect(ClientOutput.detailsKeyField.lines(envelope) == ["db1:5432"])
        #expect(ClientOutput.key.lines(instances.elements[0]) == ["db1:5432"])
        #expect(ClientOutput.masterKey.lines(instances.elements[0]) == [":0"], "a primary's MasterKey, as jq prints it")
        let downtime = try ConfigJSONParser.parse(Array(#"{"Code":"OK","Message":"","Details":{"Hostname":"db2","Port":5432}}"#.utf8))
        #expect(ClientOutput.detailsKey.lines(downtime) == ["db2:5432"])
        #expect(ClientOutput.detailsRaw.lines(downtime) == ["{\n  \"Hostname\": \"db2\",\n  \"Port\": 5432\n}"])
        #expect(ClientOutput.nothing.lines(downtime).isEmpty)
        #expect(ClientOutput.successorKey.lines(envelope) == ["db2:5432"])
        let analysis = try ConfigJSONParser.parse(Array(#"""
            {"Code":"OK","Message":"Analysis","Details":[
             {"AnalyzedInstanceKey":{"Hostname":"db1","Port":5432},"ClusterDetails":{"ClusterName":"db1:5432"},"Analysis":"DeadPrimary","StructureAnalysis":[]},
             {"AnalyzedInstanceKey":{"Hostname":"db3","Port":5432},"ClusterDetails":{"ClusterName":"db3:5432"},"Analysis":"NoProblem","StructureAnalysis":["NoFailoverSupportStructureWarning"]}]}
            """#.utf8))
        #expect(ClientOutput.analysis.lines(analysis) == ["db1:5432 (cluster db1:5432): DeadPrimary",
                                                          "db3:5432 (cluster db3:5432): NoFailoverSupportStructureWarning"])
        let text = try ConfigJSONParser.parse(Array(#"{"Code":"OK","Message":"","Details":"Global recoveries enabled"}"#.utf8))
        #expect(ClientOutput.detailsRaw.lines(text) == ["Global recoveries enabled"])
        #expect(ClientOutput.raw.lines(try ConfigJSONParser.parse(Array(#"["a:1", {"b": [] }]"#.utf8))) == [#"[ "a:1", { "b": [] } ]"#])
    }

    @Test("API URLs are normalised as orchestrator-client does")
    func normalise() {
        #expect(OrchestratorClient.normalized("http://h:3000") == "http://h:3000/api")
        #expect(OrchestratorClient.normalized("http://h:3000/api/") == "http://h:3000/api")
        #expect(OrchestratorClient.normalized("https://h/orc/api") == "https://h/orc/api")
    }
}

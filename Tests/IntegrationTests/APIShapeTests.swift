import Foundation
import Host
import PGTestKit
import Testing

/// Every endpoint of the topology API against a real primary + 2 standbys, through the
/// daemon binary under a URLPrefix: field names, types, envelopes, status codes; then a few
/// hundred malformed requests, after which the daemon must still be healthy.
@Suite("API shapes, errors and the orchestrator -c client against a running daemon")
struct APIShapeTests {
    @Test("v1 and v2 endpoints: Orchestrator's shapes; bad input gets clear 4xx/ERROR answers; the CLI prints as orchestrator-client")
    func endpoints() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let port = try freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apishape-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let config = try TemporaryFile("""
                {"ListenAddress": "127.0.0.1:\(port)", "SQLite3DataFile": "\(dir)/orchestrator.sqlite3", "URLPrefix": "/orc/",
                 "PostgreSQLTopologyUser": "\(TestCredentials.user)", "PostgreSQLTopologyPassword": "\(TestCredentials.password)",
                 "PostgreSQLSSLMode": "disable", "InstancePollSeconds": 1,
                 "ClusterNameToAlias": {".*": "sales"}, "RecoverMasterClusterFilters": ["alias=sales"]}
                """)
            let daemon = try OrchestratorProcess.start(["--config", config.path, "http"])
            defer { ChildProcess.signal(daemon.pid, SIGKILL) }
            let api = "http://127.0.0.1:\(port)/orc/api"
            _ = try await daemon.get("\(api)/health")
            let primary = topology.primary, standby = topology.standbys[0]
            let cluster = primary.description

            // Discovery through the CLI (the servers are on ports of their own, so each is
            // discovered): prints the instance as host:port.
            let environment = ["ORCHESTRATOR_API": api]
            for server in [primary] + topology.standbys {
                let discovered = try await OrchestratorProcess.client(["-c", "discover", "-i", server.description], environment: environment)
                #expect(discovered.termination == .exited(0))
                #expect(discovered.output == "\(server)\n")
            }
            try await eventually {
                let all = try json(try await daemon.get("\(api)/all-instances")) as? [[String: Any]]
                return all?.count == 3 && all!.allSatisfy { ($0["IsLastCheckValid"] as? Bool) == true && ($0["IsRecentlyChecked"] as? Bool) == true }
                    && all!.contains { (($0["ReplicationLagSeconds"] as? [String: Any])?["Valid"] as? Bool) == true }
            }

            // v1 reads: raw JSON.
            let info = try #require(try json(try await daemon.get("\(api)/clusters-info")) as? [[String: Any]])
            #expect(info.count == 1)
            try expectFields(info[0], strings: ["ClusterName", "ClusterAlias", "ClusterDomain", "SystemIdentifier"],
                             numbers: ["CountInstances", "HeuristicLag"], bools: ["HasAutomatedMasterRecovery", "HasAutomatedIntermediateMasterRecovery"])
            #expect(info[0]["ClusterName"] as? String == cluster)
            #expect(info[0]["ClusterAlias"] as? String == "sales")
            #expect(info[0]["CountInstances"] as? Int == 3)
            #expect(info[0]["HasAutomatedMasterRecovery"] as? Bool == true)
            #expect((info[0]["PrimaryKey"] as? [String: Any])?["Port"] as? Int == primary.port)
            let one = try #require(try json(try await daemon.get("\(api)/cluster-info/sales")) as? [String: Any])
            #expect(one["ClusterName"] as? String == cluster)
            for path in ["cluster/sales", "cluster/alias/sales", "cluster/\(cluster)", "cluster/\(standby)"] {
                let members = try #require(try json(try await daemon.get("\(api)/\(path)")) as? [[String: Any]], "\(path)")
                #expect(members.count == 3, "\(path)")
                for member in members { try expectInstance(member) }
            }
            let master = try #require(try json(try await daemon.get("\(api)/master/\(standby)")) as? [String: Any])
            #expect((master["Key"] as? [String: Any])?["Port"] as? Int == primary.port)
            #expect((try json(try await daemon.get("\(api)/masters")) as? [[String: Any]])?.count == 1)
            let replicas = try #require(try json(try await daemon.get("\(api)/instance-replicas/\(primary.host)/\(primary.port)")) as? [[String: Any]])
            #expect(Set(replicas.compactMap { ($0["Key"] as? [String: Any])?["Port"] as? Int }) == Set(topology.standbys.map(\.port)))
            let instance = try #require(try json(try await daemon.get("\(api)/instance/\(standby.host)/\(standby.port)")) as? [String: Any])
            try expectInstance(instance)

            // The text topology (v1 envelope, v2 data, CLI).
            let tree = try #require(try object(try await daemon.get("\(api)/topology/sales"))["Details"] as? String)
            let lines = tree.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("\(primary) ") && lines[0].hasSuffix(",rw,>>]") && lines[0].contains("[0s,ok,"))
            for line in lines.dropFirst() {
                #expect(line.hasPrefix("+ 127.0.0.1:"), "standby line: \(line)")
                #expect(line.contains(",ok,") && line.hasSuffix(",ro,>>]"), "standby line: \(line)")
            }
            #expect(Set(lines.map { line in line.firstIndex(of: "[").map { line.distance(from: line.startIndex, to: $0) } ?? -1 }).count == 1, "brackets aligned:\n\(tree)")

            // v2: envelope and real status codes.
            let v2 = try object(try await daemon.get("\(api)/v2/clusters"))
            #expect(v2["status"] as? String == "ok")
            #expect((v2["data"] as? [[String: Any]])?.first?["ClusterName"] as? String == cluster)
            let v2cluster = try object(try await daemon.get("\(api)/v2/clusters/sales"))
            #expect((v2cluster["data"] as? [String: Any])?["CountInstances"] as? Int == 3)
            let v2instances = try object(try await daemon.get("\(api)/v2/clusters/sales/instances"))
            #expect((v2instances["data"] as? [[String: Any]])?.count == 3)
            let v2topology = try #require(try object(try await daemon.get("\(api)/v2/clusters/sales/topology"))["data"] as? [String: Any])
            #expect(v2topology["clusterName"] as? String == cluster)
            #expect((v2topology["topology"] as? String)?.hasPrefix(primary.description) == true)
            let v2instance = try #require(try object(try await daemon.get("\(api)/v2/instances/\(primary.host)/\(primary.port)"))["data"] as? [String: Any])
            try expectInstance(v2instance)
            let v2status = try #require(try object(try await daemon.get("\(api)/v2/status"))["data"] as? [String: Any])
            #expect(v2status["Healthy"] as? Bool == true && v2status["IsActiveNode"] as? Bool == true)
            #expect(v2status["RaftHealthyMembers"] is [Any])
            let v2missing = try await OrchestratorProcess.request("\(api)/v2/clusters/nope")
            #expect(v2missing.status == 404)
            let v2error = try #require(try object(v2missing.body)["error"] as? [String: Any])
            #expect(v2error["code"] as? String == "NOT_FOUND")
            #expect((v2error["message"] as? String)?.contains("Unknown cluster") == true)
            let v2bad = try await OrchestratorProcess.request("\(api)/v2/instances/\(primary.host)/0")
            #expect(v2bad.status == 400)
            #expect((try object(v2bad.body)["error"] as? [String: Any])?["code"] as? String == "INVALID_INSTANCE")

            // Health, status, leader-check, OpenAPI.
            let health = try object(try await daemon.get("\(api)/health"))
            #expect(health["Code"] as? String == "OK")
            #expect((health["Details"] as? [String: Any])?["Healthy"] as? Bool == true)
            #expect(try object(try await daemon.get("\(api)/status"))["Code"] as? String == "OK")
            #expect(try json(try await daemon.get("\(api)/leader-check")) as? String == "OK")
            #expect(try await OrchestratorProcess.request("\(api)/leader-check/503").status == 200)
            let openapi = try object(try await daemon.get("\(api)/openapi.json"))
            #expect(openapi["openapi"] as? String == "3.0.3")

            // The CLI, end to end: output exactly as orchestrator-client prints it.
            let standbys = topology.standbys.map(\.description).sorted()
            let expectations: [([String], String)] = [
                (["-c", "clusters"], "\(cluster)\n"),
                (["-c", "clusters-alias"], "\(cluster),sales\n"),
                (["-c", "all-instances"], ([cluster] + standbys).sorted().joined(separator: "\n") + "\n"),
                (["-c", "which-cluster", "-i", standby.description], "\(cluster)\n"),
                (["-c", "which-cluster", "-a", "sales"], "\(cluster)\n"),
                (["-c", "which-cluster-master", "-a", "sales"], "\(cluster)\n"),
                (["-c", "which-cluster-instances", "-a", "sales"], ([cluster] + standbys).sorted().joined(separator: "\n") + "\n"),
                (["-c", "which-replicas", "-i", cluster], standbys.joined(separator: "\n") + "\n"),
                (["-c", "which-master", "-i", standby.description], "\(primary)\n"),
                (["-c", "topology", "-a", "sales"], tree + "\n"),
                (["-c", "api", "-path", "clusters"], "[ \"\(cluster)\" ]\n"),
                (["-c", "which-api"], "\(api)\n"),
            ]
            for (arguments, expected) in expectations {
                let result = try await OrchestratorProcess.client(arguments, environment: environment)
                #expect(result.termination == .exited(0), "\(arguments): \(result.output)")
                #expect(result.output == expected, "\(arguments)")
            }
            // Several APIs: the one answering leader-check is used.
            let listed = try await OrchestratorProcess.client(["-c", "clusters"],
                                                             environment: ["ORCHESTRATOR_API": "http://127.0.0.1:1/api \(api)"])
            #expect(listed.output == "\(cluster)\n")
            let unknown = try await OrchestratorProcess.client(["-c", "which-cluster", "-i", "nowhere:1"], environment: environment)
            #expect(unknown.termination == .exited(1))
            #expect(unknown.output.contains("Unknown cluster"))
            let down = try await OrchestratorProcess.client(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:1/api"])
            #expect(down.termination == .exited(1))
            #expect(down.output.contains("Cannot access orchestrator at http://127.0.0.1:1/api"))

            // Bad input: each gets a JSON answer that says what was wrong.
            let bad: [(String, Int, String)] = [
                ("instance/\(primary.host)/abc", 400, "Invalid port"),
                ("instance/\(primary.host)/0", 400, "Invalid port"),
                ("instance/\(primary.host)/65536", 400, "Invalid port"),
                ("instance/ho%00st/5432", 400, "control characters"),
                // URLSession sends a stray % as %25, so the server sees the text "ho%zzst".
                ("instance/ho%zzst/5432", 400, "Invalid host"),
                ("instance/\(String(repeating: "h", count: 300))/5432", 400, "longer than"),
                ("instance/a%20b/5432", 400, "Invalid host"),
                ("instance/127.0.0.1/1", 500, "not known"),
                ("cluster/no-such-cluster", 500, "Unknown cluster"),
                ("master/no-such-cluster", 500, "Unknown cluster"),
                ("no/such/endpoint", 404, "No such API endpoint"),
            ]
            for (path, status, message) in bad {
                let answer = try await OrchestratorProcess.request("\(api)/\(path)")
                #expect(answer.status == status, "\(path)")
                let envelope = try object(answer.body)
                #expect(envelope["Code"] as? String == "ERROR", "\(path)")
                #expect((envelope["Message"] as? String)?.contains(message) == true, "\(path): \(envelope["Message"] ?? "")")
            }
            let posted = try await OrchestratorProcess.request("\(api)/clusters", method: "POST")
            #expect(posted.status == 405)
            #expect(posted.headers["allow"] == "GET")

            // A few hundred malformed requests, then the daemon still answers and is healthy.
            let garbage = ["%00", "%", "%%", "..%2F..", String(repeating: "9", count: 2000), "-1", "1e5", "%FF%FE", "x;y", "[::1", "\u{1F600}"]
                .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "%"))) ?? $0 }
            var requests: [String] = []
            for a in garbage {
                for b in garbage {
                    requests.append("\(api)/instance/\(a)/\(b)")
                }
                for route in ["cluster", "master", "topology", "cluster-info", "forget-cluster", "v2/clusters", "discover/\(a)", "leader-check"] {
                    requests.append("\(api)/\(route)/\(a)")
                }
                requests.append("\(api)/v2/instances/\(a)/\(a)")
                requests.append("\(api)/discover/\(a)/5432")
            }
            var statuses: [Int: Int] = [:]
            for url in requests {
                guard URL(string: url) != nil else { continue }
                let answer = try await OrchestratorProcess.request(url)
                statuses[answer.status, default: 0] += 1
                #expect(answer.status >= 200 && answer.status < 600 && (try? JSONSerialization.jsonObject(with: answer.body, options: .fragmentsAllowed)) != nil,
                        "\(url.prefix(120)): \(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
            }
            #expect(requests.count >= 200)
            #expect(statuses.keys.allSatisfy { $0 < 500 || $0 == 500 }, "\(statuses)")
            #expect(try object(try await daemon.get("\(api)/health"))["Code"] as? String == "OK")
            #expect((try json(try await daemon.get("\(api)/all-instances")) as? [[String: Any]])?.count == 3)

            // Forgetting, through the CLI: nothing printed, the cluster is gone.
            let forgot = try await OrchestratorProcess.client(["-c", "forget-cluster", "-a", "sales"], environment: environment)
            #expect(forgot.termination == .exited(0) && forgot.output.isEmpty, "\(forgot.output)")
            #expect((try json(try await daemon.get("\(api)/clusters")) as? [String]) == [])

            ChildProcess.signal(daemon.pid, SIGTERM)
            #expect(await ChildProcess.wait(daemon.pid) == .exited(0))
            #expect(!daemon.output().contains("Fatal error"))
        }
    }

    private func expectInstance(_ instance: [String: Any]) throws {
        try expectFields(instance,
                         strings: ["Version", "FlavorName", "ClusterName", "SuggestedClusterAlias", "LastSeenTimestamp", "ProviderType",
                                   "SystemIdentifier", "CurrentLSN", "ReplayLSN", "SyncState", "PromotionRule", "GTIDMode"],
                         numbers: ["Uptime", "ServerID", "ReplicationDepth", "Timeline", "ServerVersionNum", "LastDiscoveryLatency"],
                         bools: ["ReadOnly", "IsLastCheckValid", "IsUpToDate", "IsRecentlyChecked", "IsDowntimed", "IsCandidate", "IsCoMaster",
                                 "ReplicationIOThreadRuning", "ReplicationSQLThreadRuning"])
        for key in ["Key", "MasterKey"] {
            let value = try #require(instance[key] as? [String: Any], "\(key)")
            #expect(value["Hostname"] is String && value["Port"] is Int, "\(key)")
        }
        for lag in ["ReplicationLagSeconds", "SecondsBehindMaster", "SlaveLagSeconds", "SecondsSinceLastSeen"] {
            let value = try #require(instance[lag] as? [String: Any], "\(lag)")
            #expect(value["Int64"] is Int && value["Valid"] is Bool, "\(lag)")
        }
        #expect(instance["Replicas"] is [Any] && instance["SlaveHosts"] is [Any] && instance["Problems"] is [Any])
    }

    private func expectFields(_ object: [String: Any], strings: [String], numbers: [String], bools: [String]) throws {
        for name in strings { #expect(object[name] is String, "\(name) is not a string: \(object[name] ?? "missing")") }
        for name in numbers { #expect(object[name] is Int, "\(name) is not a number: \(object[name] ?? "missing")") }
        for name in bools { #expect(object[name] is Bool, "\(name) is not a boolean: \(object[name] ?? "missing")") }
    }
}


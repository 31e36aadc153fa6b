import ConfigJSON
import Testing
@testable import Host

@Suite("Config unknown and ignored keys")
struct ConfigUnknownKeyTests {
    @Test("an unknown key gives one warning with a suggestion and does not stop loading")
    func unknownWithSuggestion() throws {
        let loaded = try parseConfig(#"{"InstancePolSeconds": 3, "ListenAdress": ":4000"}"#)
        #expect(loaded.configuration == Configuration())
        #expect(loaded.warnings == [
            #"orchestrator.conf.json: unknown key "InstancePolSeconds" ignored; did you mean "InstancePollSeconds"?"#,
            #"orchestrator.conf.json: unknown key "ListenAdress" ignored; did you mean "ListenAddress"?"#,
        ])
    }

    @Test("an unknown key far from every known one gets no suggestion")
    func unknownWithoutSuggestion() throws {
        let loaded = try parseConfig(#"{"TotallyMadeUp": true}"#)
        #expect(loaded.warnings == [#"orchestrator.conf.json: unknown key "TotallyMadeUp" ignored"#])
    }

    @Test("suggestions also cover aliases")
    func suggestionForAlias() throws {
        let loaded = try parseConfig(#"{"RecoverPrimaryClusterFilter": []}"#)
        #expect(loaded.warnings.first?.hasSuffix(#"did you mean "RecoverPrimaryClusterFilters"?"#) == true)
    }

    @Test("keys we know but ignore produce no warning", arguments: [
        #"{"ListenSocket": "/run/orc.sock"}"#,
        #"{"StatusEndpoint": "/api/status"}"#,
        #"{"ReasonableInstanceCheckSeconds": 2}"#,
        #"{"DiscoveryMaxConcurrency": 10}"#,
        #"{"HostnameResolveMethod": "none"}"#,
        #"{"AuditLogFile": "/var/log/orc-audit.log", "AuditToBackendDB": true}"#,
        #"{"FailRecoveryOnFailedPostFailoverProcesses": true}"#,
        #"{"MySQLTopologyUser": "", "MySQLOrchestratorHost": "db", "MySQLConnectTimeoutSeconds": 1}"#,
        #"{"ApplyMySQLPromotionAfterMasterFailover": true, "DetachLostReplicasAfterMasterFailover": true}"#,
        #"{"AutoPseudoGTID": false, "GraphiteAddr": "", "ConsulScheme": "https", "AgentsServerPort": ":3001"}"#,
        #"{"ProxySQLAdminPort": 6032, "RaftBind": "127.0.0.1:10008", "OAuthScopes": []}"#,
    ])
    func knownKeysNoWarning(json: String) throws {
        let loaded = try parseConfig(json)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("every ignored key set to its upstream default loads without any warning")
    func allIgnoredKeysAtDefault() throws {
        let members = ConfigKeys.ignored.map { ConfigJSONMember(key: $0.name, value: $0.defaultValue) }
        let loaded = try parseConfig(ConfigJSONWriter.compact(.object(members)))
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration == Configuration())
    }

    @Test("ignoring some keys silently would surprise, so they warn when set", arguments: [
        (#"{"RaftEnabled": true}"#, "single node"),
        (#"{"ProxySQLAdminAddress": "127.0.0.1"}"#, "\"ProxySQL\" list"),
        (#"{"MySQLTopologyUser": "orc"}"#, "PostgreSQLTopologyUser"),
        (#"{"PreventCrossDataCenterMasterFailover": true}"#, "another data centre"),
        (#"{"ConsulAddress": "127.0.0.1:8500"}"#, "Consul"),
    ])
    func warnWhenSet(json: String, phrase: String) throws {
        let loaded = try parseConfig(json)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains(phrase) == true)
    }

    @Test("an ignored key is still type-checked")
    func ignoredKeyTypeChecked() throws {
        let error = try #require(configError(#"{"RaftEnabled": "yes"}"#))
        #expect(error.description == #"orchestrator.conf.json: RaftEnabled: got "yes", expected true or false"#)
    }

    @Test("edit distance and suggestion threshold")
    func suggestionFunction() {
        #expect(ConfigKeySuggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(ConfigKeySuggestion.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(ConfigKeySuggestion.closest(to: "Prot", among: ["Port", "User"]) == "Port")
        #expect(ConfigKeySuggestion.closest(to: "Zzzz", among: ["Port", "User"]) == nil)
    }
}

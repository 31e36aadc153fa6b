import ConfigJSON
import Foundation
import Testing
@testable import Host

@Suite("Config defaults")
struct ConfigDefaultsTests {
    @Test("built-in defaults match upstream, except where docs/config.md says otherwise")
    func builtInDefaults() {
        let config = Configuration()
        #expect(config.providerType == "postgresql")
        #expect(config.debug == false)
        #expect(config.postgresql.defaultInstancePort == 5432)
        #expect(config.postgresql.sslMode == .require)
        #expect(config.postgresql.topologyUser == "")
        #expect(config.postgresql.topologyPassword.isEmpty)
        #expect(config.postgresql.connectTimeoutSeconds == 2)
        #expect(config.postgresql.probeTimeoutSeconds == 2)
        #expect(config.postgresql.database == "postgres")
        #expect(config.backend.backendDB == "sqlite")
        #expect(config.backend.sqlite3DataFile == "/var/lib/orchestrator/orchestrator.sqlite3")
        #expect(config.http.listenAddress == ":3000")
        #expect(config.http.listen == HostPort(host: "", port: 3000))
        #expect(config.http.statusEndpoint == "/api/status")
        #expect(config.http.prometheusEnabled)
        #expect(config.http.authenticationMethod == .none)
        #expect(config.audit.purgeDays == 7)
        #expect(config.discovery.instancePollSeconds == 5)
        #expect(config.discovery.reasonableInstanceCheckSeconds == 1)
        #expect(config.discovery.maxConcurrency == 300)
        #expect(config.discovery.unseenInstanceForgetHours == 240)
        #expect(config.discovery.hostnameResolveMethod == .default)
        #expect(config.discovery.deadInstancePollSecondsMax == 300)
        #expect(config.analysis.reasonableReplicationLagSeconds == 10)
        #expect(config.analysis.reasonableMaintenanceReplicationLagSeconds == 20)
        #expect(config.recovery.failureDetectionPeriodBlockSeconds == 3600)
        #expect(config.recovery.periodBlockSeconds == 3600)
        #expect(config.recovery.recoverPrimaryClusterFilters.isEmpty)
        #expect(config.recovery.candidateInstanceExpireMinutes == 60)
        #expect(config.recovery.failRecoveryOnFailedPostFailoverProcesses == false)
        #expect(config.hooks.shellCommand == "bash")
        #expect(config.hooks.timeoutSeconds == 30)
        #expect(config.hooks.preFailover.isEmpty && config.hooks.postPrimaryFailover.isEmpty)
        #expect(config.plugins.timeoutSeconds == 10)
        #expect(config.plugins.luaScripts.isEmpty && config.plugins.hookDirectories.isEmpty)
        #expect(config.blocks.types.isEmpty)
        #expect(Configuration.defaults == config)
    }

    @Test("an empty object gives the defaults and no warnings")
    func emptyObject() throws {
        let loaded = try parseConfig("{}")
        #expect(loaded.configuration == Configuration())
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.source == "orchestrator.conf.json")
    }

    @Test("null means: keep the default")
    func nullKeepsDefault() throws {
        let loaded = try parseConfig(#"{"InstancePollSeconds": null, "DiscoverySeeds": null}"#)
        #expect(loaded.configuration == Configuration())
    }

    @Test("the fork's PostgreSQL lab config loads with its values and no warnings")
    func upstreamStyleConfig() throws {
        let json = #"""
        {
          "Debug": true,
          "EnableSyslog": false,
          "ListenAddress": ":3098",
          "ProviderType": "postgresql",
          "PostgreSQLTopologyUser": "orchestrator",
          "PostgreSQLTopologyPassword": "orch_pass_2026",
          "PostgreSQLSSLMode": "disable",
          "DefaultInstancePort": 5432,
          "BackendDB": "sqlite",
          "SQLite3DataFile": "/usr/local/orchestrator/orchestrator.sqlite3",
          "InstancePollSeconds": 3,
          "UnseenInstanceForgetHours": 240,
          "SnapshotTopologiesIntervalHours": 0,
          "HostnameResolveMethod": "default",
          "ReasonableReplicationLagSeconds": 10,
          "ReasonableMaintenanceReplicationLagSeconds": 20,
          "FailureDetectionPeriodBlockMinutes": 1,
          "RecoveryPeriodBlockSeconds": 60,
          "RecoverMasterClusterFilters": [".*"],
          "RecoverIntermediateMasterClusterFilters": ["_intermediate_master_pattern_"],
          "ApplyMySQLPromotionAfterMasterFailover": true,
          "MySQLTopologyUser": "",
          "RaftEnabled": false,
          "PrometheusEnabled": true,
          "OnFailureDetectionProcesses": ["echo 'Detected {failureType} on {failureCluster}' >> /tmp/recovery.log"],
          "PostMasterFailoverProcesses": ["echo \"promoted ${ORC_SUCCESSOR_HOST}\" >> /tmp/recovery.log"],
          "DiscoverySeeds": ["pg1:5432", "pg2"],
          "ClusterNameToAlias": {"^pg1": "main"}
        }
        """#
        let loaded = try parseConfig(json)
        #expect(loaded.warnings == [])
        let config = loaded.configuration
        #expect(config.debug)
        #expect(config.http.listen.port == 3098)
        #expect(config.postgresql.topologyUser == "orchestrator")
        #expect(config.postgresql.topologyPassword.value == "orch_pass_2026")
        #expect(config.postgresql.sslMode == .disable)
        #expect(config.backend.sqlite3DataFile == "/usr/local/orchestrator/orchestrator.sqlite3")
        #expect(config.discovery.instancePollSeconds == 3)
        #expect(config.recovery.failureDetectionPeriodBlockSeconds == 60)
        #expect(config.recovery.periodBlockSeconds == 60)
        #expect(config.recovery.recoverPrimaryClusterFilters.matches(name: "pg1:5432", alias: ""))
        #expect(config.hooks.postPrimaryFailover == ["echo \"promoted ${ORC_SUCCESSOR_HOST}\" >> /tmp/recovery.log"])
        #expect(config.discoverySeedAddresses == [HostPort(host: "pg1", port: 5432), HostPort(host: "pg2", port: 5432)])
        #expect(config.clusters.alias(forClusterName: "pg1:5432") == "main")
        #expect(config.clusters.alias(forClusterName: "pg9:5432") == nil)
    }

    @Test("every honoured key round-trips: rendering a configuration and parsing it back gives it again")
    func renderParseRoundTrip() throws {
        var config = Configuration()
        config.debug = true
        config.postgresql.topologyPassword = "s3cret"
        config.postgresql.sslMode = .verifyFull
        config.http.listenAddress = "[::1]:3001"
        config.http.urlPrefix = "/orc"
        config.http.authenticationMethod = .multi
        config.http.authUser = "admin"
        config.http.authPassword = "pw2"
        config.discovery.seeds = ["pg1:5433", "[fd00::1]:5432"]
        config.discovery.deadInstancePollSecondsMultiplyFactor = 1.5
        config.clusters.nameToAlias = [.init(pattern: "^b", alias: "B"), .init(pattern: "^a", alias: "A")]
        config.recovery.failureDetectionPeriodBlockSeconds = 90
        config.recovery.periodBlockSeconds = 45
        config.recovery.recoverPrimaryClusterFilters = [".*"]
        config.hooks.preFailover = ["exit 0"]

        for original in [Configuration(), config] {
            let json = ConfigJSONWriter.pretty(original.rendered(redact: false))
            let parsed = try parseConfig(json)
            #expect(parsed.configuration == original)
            #expect(parsed.warnings.isEmpty)
        }
    }

    @Test("the rendering lists every honoured key of the table under its Orchestrator name")
    func renderingCoversTable() throws {
        guard case .object(let members) = Configuration().rendered(redact: true) else {
            Issue.record("rendering is not an object")
            return
        }
        let rendered = Set(members.map(\.key))
        for key in ConfigKeys.honoured {
            let names = Set(key.render(Configuration(), true).map(\.key))
            #expect(!names.isEmpty, "\(key.name) renders nothing")
            #expect(names.isSubset(of: rendered), "\(key.name) is missing from the rendering")
        }
        #expect(rendered.contains("InstancePollSeconds"))
        #expect(rendered.contains("FailureDetectionPeriodBlockSeconds"))
    }
}

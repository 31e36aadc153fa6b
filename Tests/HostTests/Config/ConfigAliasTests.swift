import Testing
@testable import Host

@Suite("Config aliases")
struct ConfigAliasTests {
    @Test("FailureDetectionPeriodBlockSeconds sets the block in seconds")
    func failureDetectionSeconds() throws {
        let loaded = try parseConfig(#"{"FailureDetectionPeriodBlockSeconds": 90}"#)
        #expect(loaded.configuration.recovery.failureDetectionPeriodBlockSeconds == 90)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("FailureDetectionPeriodBlockMinutes sets the block in minutes")
    func failureDetectionMinutes() throws {
        let loaded = try parseConfig(#"{"FailureDetectionPeriodBlockMinutes": 2}"#)
        #expect(loaded.configuration.recovery.failureDetectionPeriodBlockSeconds == 120)
    }

    @Test("RecoverPrimaryClusterFilters is RecoverMasterClusterFilters")
    func recoverPrimaryClusterFilters() throws {
        let primary = try parseConfig(#"{"RecoverPrimaryClusterFilters": ["^prod-"]}"#).configuration
        let master = try parseConfig(#"{"RecoverMasterClusterFilters": ["^prod-"]}"#).configuration
        #expect(primary.recovery.recoverPrimaryClusterFilters == ClusterFilters(["^prod-"]))
        #expect(primary == master)
        #expect(primary.recovery.recoverPrimaryClusterFilters.matches(name: "prod-db1:5432", alias: ""))
        #expect(!primary.recovery.recoverPrimaryClusterFilters.matches(name: "test-db1:5432", alias: ""))
    }

    @Test("PostPrimaryFailoverProcesses is PostMasterFailoverProcesses")
    func postPrimaryFailoverProcesses() throws {
        let primary = try parseConfig(#"{"PostPrimaryFailoverProcesses": ["echo done"]}"#).configuration
        let master = try parseConfig(#"{"PostMasterFailoverProcesses": ["echo done"]}"#).configuration
        #expect(primary.hooks.postPrimaryFailover == ["echo done"])
        #expect(primary == master)
    }

    @Test("both spellings with the same value are accepted")
    func bothSpellingsSameValue() throws {
        let loaded = try parseConfig("""
            {"RecoverMasterClusterFilters": [".*"], "RecoverPrimaryClusterFilters": [".*"],
             "PostMasterFailoverProcesses": ["a"], "PostPrimaryFailoverProcesses": ["a"],
             "FailureDetectionPeriodBlockMinutes": 1, "FailureDetectionPeriodBlockSeconds": 60}
            """)
        #expect(loaded.configuration.recovery.recoverPrimaryClusterFilters == [".*"])
        #expect(loaded.configuration.hooks.postPrimaryFailover == ["a"])
        #expect(loaded.configuration.recovery.failureDetectionPeriodBlockSeconds == 60)
    }

    @Test("both spellings with different values are refused, naming both", arguments: [
        (#"{"RecoverMasterClusterFilters": [".*"], "RecoverPrimaryClusterFilters": ["^prod"]}"#,
         "RecoverMasterClusterFilters", "RecoverPrimaryClusterFilters"),
        (#"{"PostPrimaryFailoverProcesses": ["a"], "PostMasterFailoverProcesses": ["b"]}"#,
         "PostPrimaryFailoverProcesses", "PostMasterFailoverProcesses"),
        (#"{"FailureDetectionPeriodBlockMinutes": 1, "FailureDetectionPeriodBlockSeconds": 30}"#,
         "FailureDetectionPeriodBlockMinutes", "FailureDetectionPeriodBlockSeconds"),
    ])
    func conflictingSpellings(json: String, first: String, second: String) throws {
        let error = try #require(configError(json))
        #expect(error.kind == .conflictingKeys)
        #expect(error.description.contains(first))
        #expect(error.description.contains(second))
        #expect(error.description.hasPrefix("orchestrator.conf.json: "))
        #expect(error.expected.contains("one spelling only"))
    }

    @Test("the same key twice with different values is refused")
    func duplicateKey() throws {
        let error = try #require(configError("{\"InstancePollSeconds\": 5,\n \"InstancePollSeconds\": 7}"))
        #expect(error.kind == .conflictingKeys)
        #expect(error.key == "InstancePollSeconds")
        #expect(error.description.contains("5 at line 1") && error.description.contains("7 at line 2"))
    }

    @Test("the same key twice with the same value is accepted")
    func duplicateKeySameValue() throws {
        let loaded = try parseConfig(#"{"InstancePollSeconds": 7, "InstancePollSeconds": 7}"#)
        #expect(loaded.configuration.discovery.instancePollSeconds == 7)
    }

    @Test("RecoveryPeriodBlockMinutes alone applies (×60) with a deprecation warning")
    func recoveryMinutesAlone() throws {
        let loaded = try parseConfig(#"{"RecoveryPeriodBlockMinutes": 5}"#)
        #expect(loaded.configuration.recovery.periodBlockSeconds == 300)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("RecoveryPeriodBlockMinutes is deprecated") == true)
    }

    @Test("RecoveryPeriodBlockSeconds wins over RecoveryPeriodBlockMinutes, in either order")
    func recoverySecondsWin() throws {
        for json in [#"{"RecoveryPeriodBlockMinutes": 5, "RecoveryPeriodBlockSeconds": 42}"#,
                     #"{"RecoveryPeriodBlockSeconds": 42, "RecoveryPeriodBlockMinutes": 5}"#] {
            let loaded = try parseConfig(json)
            #expect(loaded.configuration.recovery.periodBlockSeconds == 42)
            #expect(loaded.warnings.contains { $0.contains("RecoveryPeriodBlockSeconds is set and wins") })
        }
    }

    @Test("as upstream, RecoveryPeriodBlockSeconds 0 lets RecoveryPeriodBlockMinutes apply")
    func recoverySecondsZero() throws {
        let loaded = try parseConfig(#"{"RecoveryPeriodBlockSeconds": 0, "RecoveryPeriodBlockMinutes": 5}"#)
        #expect(loaded.configuration.recovery.periodBlockSeconds == 300)
    }

    @Test("keys match ignoring case, as Orchestrator's decoder does, with a warning")
    func caseInsensitiveKeys() throws {
        let loaded = try parseConfig(#"{"instancepollseconds": 9, "recoverprimaryclusterfilters": ["x"]}"#)
        #expect(loaded.configuration.discovery.instancePollSeconds == 9)
        #expect(loaded.configuration.recovery.recoverPrimaryClusterFilters == ["x"])
        #expect(loaded.warnings.count == 2)
        #expect(loaded.warnings[0].contains("\"instancepollseconds\" matched \"InstancePollSeconds\""))
    }
}

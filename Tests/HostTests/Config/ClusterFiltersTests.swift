import Foundation
@testable import Host
import Testing

/// One matcher for the recovery gate and the API (upstream's `filtersMatchCluster`).
@Suite("Cluster filters (RecoverMasterClusterFilters)")
struct ClusterFiltersTests {
    @Test("upstream's rules, table-tested", arguments: [
        (["*"], "db1:5432", "", true),
        (["*"], "db1:5432", "payments", true),
        (["db1:5432"], "db1:5432", "", true),
        (["payments"], "db1:5432", "payments", true),
        (["alias=payments"], "db1:5432", "payments", true),
        (["alias=payments"], "db1:5432", "payments-eu", false),
        (["alias=payments"], "db1:5432", "", false),
        (["alias="], "db1:5432", "", false),
        (["alias~=^pay"], "db1:5432", "payments", true),
        (["alias~=^pay"], "db1:5432", "repay", false),
        (["alias~=.*"], "db1:5432", "", false),
        (["^db1:"], "db1:5432", "", true),
        (["db"], "db1:5432", "", true),
        // A regex is matched against the name only, not the (data-derived) alias.
        (["prod"], "db1:5432", "prod-payments", false),
        (["^other$"], "db1:5432", "payments", false),
        ([], "db1:5432", "payments", false),
        (["^other$", "alias=payments"], "db1:5432", "payments", true),
    ])
    func rules(_ filters: [String], _ name: String, _ alias: String, _ expected: Bool) {
        #expect(ClusterFilters(filters).matches(name: name, alias: alias) == expected, "\(filters) \(name) alias \(alias)")
    }

    @Test("the gate and the API's HasAutomatedMasterRecovery agree: alias= lets an automated recovery proceed")
    func gateHonoursAliasFilter() {
        var recovery = Configuration.Recovery()
        recovery.recoverPrimaryClusterFilters = ["alias=payments"]
        let facts = RecoveryGatesTests.facts(alias: "payments")
        #expect(RecoveryGates.automated(facts, recovery) == .proceed)
        #expect(recovery.recoverPrimaryClusterFilters.matches(name: facts.entry.clusterName, alias: "payments"))
        let other = RecoveryGatesTests.facts(alias: "billing")
        #expect(RecoveryGates.automated(other, recovery) != .proceed)
    }

    @Test("\"*\", alias= and alias~= load; an invalid regex is refused naming the key")
    func loading() throws {
        let loaded = try parseConfig(#"{"RecoverMasterClusterFilters": ["*", "alias=payments", "alias~=^pay(ments)?$", "^db"]}"#)
        #expect(loaded.configuration.recovery.recoverPrimaryClusterFilters == ["*", "alias=payments", "alias~=^pay(ments)?$", "^db"])
        #expect(throws: ConfigError.self) { try parseConfig(#"{"RecoverMasterClusterFilters": ["alias~=("]}"#) }
        #expect(throws: ConfigError.self) { try parseConfig(#"{"RecoverIntermediateMasterClusterFilters": ["("]}"#) }
        do {
            _ = try parseConfig(#"{"RecoverMasterClusterFilters": ["("]}"#)
            Issue.record("an invalid regex loaded")
        } catch {
            #expect("\(error)".contains("RecoverMasterClusterFilters"))
        }
    }

    @Test("an unreadable backend fails the automated gate closed, with the reason")
    func unreadableBackendSkips() {
        var facts = RecoveryGatesTests.facts()
        facts.unreadable = "downtimes: disk I/O error"
        guard case .skip(let reason) = RecoveryGates.automated(facts, RecoveryGatesTests.configuration()) else {
            Issue.record("not skipped")
            return
        }
        #expect(reason.contains("disk I/O error"))
    }
}

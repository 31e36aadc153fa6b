import Foundation
import HookAPI
import Host
import PGTestKit
import Testing

@Suite("Graceful switchover (real servers, loopback)")
struct SwitchoverTests {
    @Test("switchover under a write load and back: new primary writable, old primary demoted by the default script, third standby follows, no acknowledged commit lost")
    func roundTrip() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2)) { topology in
            let fixture = try SwitchoverFixture(topology)
            let hookLog = RecoveryFixture.scratchPath("post.log")
            defer {
                fixture.remove()
                unlink(hookLog)
            }
            let config = try RecoveryFixture.configuration(topology, extra: [
                "DemoteProcesses": [fixture.demoteCommand(topology)],
                "HookTimeoutSeconds": 120,
                "ReasonableMaintenanceReplicationLagSeconds": 10,
                // Planned operations are not held back by the block period of the first one.
                "RecoveryPeriodBlockSeconds": 3600,
                "PostGracefulTakeoverProcesses": ["echo \"$ORC_COMMAND|$ORC_FAILURE_TYPE|{failedHost}:{failedPort}|$ORC_SUCCESSOR_HOST:$ORC_SUCCESSOR_PORT\" >> \(hookLog)"],
            ])
            try await DiscoveryFixture.run(config, recovering: true) { service, coordinator, backend in
                try await RecoveryFixture.waitUntilSettled(service, topology)
                let old = topology.primary, new = topology.standbys[0], third = topology.standbys[1]
                let load = WriteLoad(targets: topology.servers)
                try await load.start()
                try await load.waitForAcknowledged(100)

                let there = try await coordinator.gracefulTakeover(cluster: SwitchoverFixture.cluster(of: old, service),
                                                                   designated: new.key, auto: false).get()
                let steps = try await backend.recoverySteps(there.uid).map(\.message)
                #expect(there.status == .successful, "\(there.errors) \(steps)")
                #expect(there.errors.isEmpty, "\(steps)")
                #expect(there.successor == new.key)
                #expect(there.command == "graceful-master-takeover" && there.analysis.code == .deadPrimary)
                try old.adoptRunningPostmaster()
                #expect(try await !RecoveryFixture.isInRecovery(new))
                #expect(try await RecoveryFixture.isInRecovery(old))
                try await RecoveryFixture.waitUntilStreaming(old, from: new)
                try await RecoveryFixture.waitUntilStreaming(third, from: new)
                #expect(try await MaintenanceTests.slots(third.name, on: old) == 0, "the slot the third standby left is dropped")
                #expect(try await MaintenanceTests.slots(new.name, on: old) == 0)
                #expect(try await MaintenanceTests.slots(old.name, on: new) == 1, "the demote script made the old primary a slot")
                var count = await load.acknowledged.count
                try await load.waitForAcknowledged(count + 100)
                print("switchover \(old) → \(new): longest gap between acknowledged writes \(WriteLoad.longestGap(await load.acknowledged))")

                try await SwitchoverFixture.waitUntilBelow(service, [old, third], new)
                let back = try await coordinator.gracefulTakeover(cluster: SwitchoverFixture.cluster(of: new, service),
                                                                  designated: old.key, auto: false).get()
                let backSteps = try await backend.recoverySteps(back.uid).map(\.message)
                #expect(back.status == .successful && back.errors.isEmpty, "\(back.errors) \(backSteps)")
                try new.adoptRunningPostmaster()
                #expect(try await !RecoveryFixture.isInRecovery(old))
                try await RecoveryFixture.waitUntilStreaming(new, from: old)
                try await RecoveryFixture.waitUntilStreaming(third, from: old)
                count = await load.acknowledged.count
                try await load.waitForAcknowledged(count + 100)
                let acks = await load.stop()
                print("round trip: longest gap between acknowledged writes \(WriteLoad.longestGap(acks))")
                #expect(try await WriteLoad.missing(acks, on: old).isEmpty)
                // Every acknowledged commit also reached the standbys.
                try await SwitchoverFixture.waitUntilBelow(service, [new, third], old)
                let deadline = ContinuousClock.now + .seconds(10)
                while try await !WriteLoad.missing(acks, on: new).isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await WriteLoad.missing(acks, on: new).isEmpty)

                // The analysis loop ran all along: the two switchovers are the only recoveries,
                // nothing is downtimed, and clean switchovers do not block later failovers.
                let recoveries = try await backend.recoveries()
                #expect(recoveries.map(\.uid).sorted() == [there.uid, back.uid].sorted())
                #expect(recoveries.allSatisfy { $0.acknowledged })
                #expect(try await backend.activeDowntimes().isEmpty)
                let lines = try String(contentsOfFile: hookLog, encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(lines == ["graceful-master-takeover|DeadPrimary|\(old)|\(new)", "graceful-master-takeover|DeadPrimary|\(new)|\(old)"])
            }
        }
    }
}

import HookAPI
@testable import Host
import Testing

@Suite("Switchover machine")
struct SwitchoverMachineTests {
    static let machine = SwitchoverMachine(uid: "u2", old: pg("db1"), designated: pg("db2"), others: [pg("db3")], settings: .init())
    static let demoteStep = RecoveryResult.dispatched(DispatchOutcome(handled: true))

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var results: [RecoveryResult]
        var path: [String]
        var status: RecoveryRecord.Status
        var error: String?
        var testDescription: String { name }
    }

    static let toPromotion: [RecoveryResult] = [.proceed, .done, .caughtUp(LSN(200)), .noneLost]
    static let promotionPath = ["dispatch preGracefulTakeover", "fence", "catchUp", "repoint to db2", "promote"]
    static let promoted: [RecoveryResult] = toPromotion + [.promoted(forkPoint: LSN(200))]
    static let afterPromotion = promotionPath + ["follow", "dropSlots", "dispatch demote"]

    @Test("every branch", arguments: [
        Case(name: "fence, catch up, cascade, promote, follow, demote, acknowledge",
             results: promoted + [.noneLost, .done, demoteStep, .done, .done, .proceed],
             path: afterPromotion + ["verifyStreaming", "acknowledge", "dispatch postGracefulTakeover"], status: .successful),
        Case(name: "a pre-takeover veto aborts before the fence",
             results: [.vetoed("PreGracefulTakeoverProcesses vetoed the switchover: exit 1")],
             path: ["dispatch preGracefulTakeover"], status: .aborted, error: "vetoed the switchover"),
        Case(name: "the fence fails: undone, aborted",
             results: [.proceed, .failed("permission denied"), .done],
             path: ["dispatch preGracefulTakeover", "fence", "unfence"], status: .aborted, error: "before promotion: permission denied"),
        Case(name: "catch-up times out: the fence is undone",
             results: [.proceed, .done, .failed("db2 did not replay 0/5000000 within 10 s"), .done],
             path: ["dispatch preGracefulTakeover", "fence", "catchUp", "unfence"], status: .aborted, error: "did not replay"),
        Case(name: "the undo of the fence fails: failed, with what to run",
             results: [.proceed, .done, .failed("timeout"), .failed("connection refused")],
             path: ["dispatch preGracefulTakeover", "fence", "catchUp", "unfence"], status: .failed,
             error: "ALTER SYSTEM RESET default_transaction_read_only"),
        Case(name: "a standby cannot cascade: all go back to the old primary, the fence is undone",
             results: [.proceed, .done, .caughtUp(LSN(200)), .lostStandbys("db3"), .noneLost, .done],
             path: ["dispatch preGracefulTakeover", "fence", "catchUp", "repoint to db2", "repoint to db1", "unfence"], status: .aborted,
             error: "could not cascade db3:5432"),
        Case(name: "promotion fails and the designated standby is still one: the fence is undone",
             results: toPromotion + [.failed("pg_promote did not finish"), .answer(true), .done],
             path: promotionPath + ["checkInRecovery", "unfence"], status: .aborted, error: "promotion of db2:5432 failed"),
        Case(name: "promotion fails and nobody knows whether it promoted: the old primary stays fenced",
             results: toPromotion + [.failed("connection lost"), .answer(nil)],
             path: promotionPath + ["checkInRecovery"], status: .failed, error: "it may have been promoted anyway"),
        Case(name: "no demote step: the old primary is fenced by a downtime, not acknowledged",
             results: promoted + [.noneLost, .done, .proceed, .done, .proceed],
             path: afterPromotion + ["downtime", "dispatch postGracefulTakeover"], status: .successful,
             error: "no demote step is configured"),
        Case(name: "the demote step fails: fenced by a downtime",
             results: promoted + [.noneLost, .done, .vetoed("DemoteProcesses[0]: exit 1"), .done, .proceed],
             path: afterPromotion + ["downtime", "dispatch postGracefulTakeover"], status: .successful,
             error: "the demote step failed: DemoteProcesses[0]: exit 1"),
        Case(name: "the demoted primary does not stream: fenced by a downtime",
             results: promoted + [.noneLost, .done, demoteStep, .failed("not streaming within 60 s"), .done, .proceed],
             path: afterPromotion + ["verifyStreaming", "downtime", "dispatch postGracefulTakeover"], status: .successful,
             error: "is not a standby of db2:5432"),
        Case(name: "the fencing downtime cannot be written: recorded",
             results: promoted + [.noneLost, .done, .proceed, .failed("disk full"), .proceed],
             path: afterPromotion + ["downtime", "dispatch postGracefulTakeover"], status: .successful,
             error: "could not downtime db1:5432: disk full"),
        Case(name: "a standby that does not follow the new timeline is lost; no acknowledgement",
             results: promoted + [.lostStandbys("db3"), .done, demoteStep, .done, .proceed],
             path: afterPromotion + ["verifyStreaming", "dispatch postGracefulTakeover"], status: .successful),
    ])
    func branch(_ test: Case) {
        let trace = MachineTrace(Self.machine, test.results)
        #expect(trace.path == test.path)
        #expect(trace.ended && trace.unused == 0)
        #expect(trace.status == test.status)
        if let error = test.error {
            #expect(trace.errors.contains { $0.contains(error) }, "\(trace.errors)")
        }
        // Never promoted without the fence and the catch-up first.
        if let promote = trace.path.firstIndex(of: "promote") {
            #expect(trace.path[..<promote].contains("fence") && trace.path[..<promote].contains("catchUp"))
        }
        // Once another primary is promoted the old one is never made writable again.
        if trace.changes.contains(where: { if case .promoted = $0 { true } else { false } }) {
            #expect(!trace.path.contains("unfence"))
        }
    }

    @Test("what it asks for on the way")
    func details() {
        let trace = MachineTrace(Self.machine, Self.promoted + [.lostStandbys("db3"), .done, .proceed, .done, .proceed])
        #expect(trace.actions[1] == .fence(pg("db1")))
        #expect(trace.actions[2] == .catchUp(pg("db2"), with: pg("db1"), timeout: .seconds(10)))
        #expect(trace.actions[3] == .repoint([pg("db3")], to: pg("db2"), forkPoint: nil))
        #expect(trace.actions[5] == .follow([pg("db3")], newPrimary: pg("db2"), timeout: .seconds(30)))
        // The lost standby's slot stays on the old primary: it may still need it.
        #expect(trace.actions[6] == .dropSlots(of: [pg("db2")], on: pg("db1")))
        #expect(trace.actions[8] == .downtime(pg("db1"), for: .seconds(7 * 24 * 3600), reason: "fenced by switchover u2: read-only, not demoted"))
        #expect(trace.changes.contains(.moved([pg("db3")], lost: [pg("db3")])))
        #expect(trace.changes.contains(.promoted(pg("db2"), forkPoint: LSN(200))))
    }

    @Test("a clean switchover is acknowledged after it finished, before the post hooks")
    func acknowledged() {
        let trace = MachineTrace(Self.machine, Self.promoted + [.noneLost, .done, Self.demoteStep, .done, .done, .proceed])
        #expect(trace.actions.contains(.acknowledge(comment: "planned switchover completed")))
        #expect(trace.changes.contains(.participating(pg("db1"))))
    }
}

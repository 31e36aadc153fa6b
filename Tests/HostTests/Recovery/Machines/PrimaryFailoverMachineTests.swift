import HookAPI
@testable import Host
import Testing

@Suite("Primary failover machine")
struct PrimaryFailoverMachineTests {
    static let survey = RecoveryResult.surveyed([standbyAt("db2", 100), standbyAt("db3", 90)])

    static func machine(requested: String? = nil, failOnPostHooks: Bool = false) -> PrimaryFailoverMachine {
        PrimaryFailoverMachine(uid: "u1", failed: pg("db1"), detection: "DeadPrimary on db1:5432", requestedCandidate: requested.map(pg),
                               settings: .init(failRecoveryOnFailedPostFailoverProcesses: failOnPostHooks))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var machine: PrimaryFailoverMachine = PrimaryFailoverMachineTests.machine()
        var results: [RecoveryResult]
        var path: [String]
        var status: RecoveryRecord.Status
        var error: String?
        var testDescription: String { name }
    }

    static let detectedToPromoted: [RecoveryResult] = [.proceed, survey, .proceed, .promoted(forkPoint: LSN(100))]
    static let promotion = ["dispatch failureDetection", "survey", "dispatch preFailover", "promote"]

    @Test("every branch", arguments: [
        Case(name: "promotes the most caught-up standby, re-points the other, marks the old primary lost",
             results: detectedToPromoted + [.noneLost, .done, .proceed],
             path: promotion + ["repoint to db2", "downtime", "dispatch postPrimaryFailover"], status: .successful),
        Case(name: "a pre-failover veto aborts before any change",
             results: [.proceed, survey, .vetoed("PreFailoverProcesses vetoed the recovery: exit 1")],
             path: ["dispatch failureDetection", "survey", "dispatch preFailover"], status: .aborted,
             error: "PreFailoverProcesses vetoed the recovery: exit 1"),
        Case(name: "no promotable standby: failed, post-unsuccessful runs",
             results: [.proceed, .surveyed([standbyAt("db2", 100, reachable: false)]), .proceed],
             path: ["dispatch failureDetection", "survey", "dispatch postUnsuccessfulFailover"], status: .failed,
             error: "no standby can be promoted"),
        Case(name: "a standby of another history is never chosen",
             results: [.proceed, .surveyed([standbyAt("db2", 900, foreign: "timeline 3 is ahead")]), .proceed],
             path: ["dispatch failureDetection", "survey", "dispatch postUnsuccessfulFailover"], status: .failed),
        Case(name: "promotion timeout: failed, post-unsuccessful runs",
             results: [.proceed, survey, .proceed, .failed("pg_promote on db2:5432 did not finish within 60 s"), .proceed],
             path: promotion + ["dispatch postUnsuccessfulFailover"], status: .failed,
             error: "promotion of db2:5432 failed: pg_promote on db2:5432 did not finish within 60 s"),
        Case(name: "a lost standby does not fail the recovery",
             results: detectedToPromoted + [.lostStandbys("db3"), .done, .proceed],
             path: promotion + ["repoint to db2", "downtime", "dispatch postPrimaryFailover"], status: .successful),
        Case(name: "a downtime that cannot be written is recorded, the failover stands",
             results: detectedToPromoted + [.noneLost, .failed("disk full"), .proceed],
             path: promotion + ["repoint to db2", "downtime", "dispatch postPrimaryFailover"], status: .successful,
             error: "could not downtime db1:5432: disk full"),
        Case(name: "FailRecoveryOnFailedPostFailoverProcesses: a failing post hook marks it failed",
             machine: machine(failOnPostHooks: true),
             results: detectedToPromoted + [.noneLost, .done, .dispatched(DispatchOutcome(failure: "PostFailoverProcesses[0]: exit 2"))],
             path: promotion + ["repoint to db2", "downtime", "dispatch postPrimaryFailover"], status: .failed,
             error: "post-failover hook failed"),
        Case(name: "without it, a failing post hook is recorded by the dispatcher only",
             results: detectedToPromoted + [.noneLost, .done, .dispatched(DispatchOutcome(failure: "PostFailoverProcesses[0]: exit 2"))],
             path: promotion + ["repoint to db2", "downtime", "dispatch postPrimaryFailover"], status: .successful),
        Case(name: "an operator's candidate holding less WAL is refused",
             machine: machine(requested: "db3"), results: [.proceed, survey, .proceed],
             path: ["dispatch failureDetection", "survey", "dispatch postUnsuccessfulFailover"], status: .failed,
             error: "holds less WAL"),
        Case(name: "an operator's candidate that is not a standby of the primary is refused",
             machine: machine(requested: "db9"), results: [.proceed, survey, .proceed],
             path: ["dispatch failureDetection", "survey", "dispatch postUnsuccessfulFailover"], status: .failed,
             error: "is not a standby of the failed primary"),
        Case(name: "a result the state does not expect ends it failed",
             results: [.proceed, .done],
             path: ["dispatch failureDetection", "survey"], status: .failed, error: "internal error"),
    ])
    func branch(_ test: Case) {
        let trace = MachineTrace(test.machine, test.results)
        #expect(trace.path == test.path)
        #expect(trace.ended && trace.unused == 0)
        #expect(trace.status == test.status)
        if let error = test.error {
            #expect(trace.errors.contains { $0.contains(error) }, "\(trace.errors)")
        } else if test.status == .successful {
            #expect(trace.errors.isEmpty || trace.errors.allSatisfy { $0.contains("downtime") })
        }
        // Nothing that changes the topology happens after a veto, a refusal or a failed promotion.
        if test.status == .aborted { #expect(!trace.path.contains("promote")) }
    }

    @Test("what it asks for and records on the way")
    func details() {
        let trace = MachineTrace(Self.machine(), Self.detectedToPromoted + [.lostStandbys("db3"), .done, .proceed])
        #expect(trace.actions[2] == .dispatch(.preFailover, candidate: pg("db2"), candidateLSN: LSN(100)))
        #expect(trace.actions[4] == .repoint([pg("db3")], to: pg("db2"), forkPoint: LSN(100)))
        #expect(trace.actions[5] == .downtime(pg("db1"), for: .seconds(24 * 3600), reason: "lost in recovery u1"))
        #expect(trace.actions[6] == .dispatch(.postPrimaryFailover, candidate: pg("db2"), candidateLSN: LSN(100)))
        #expect(trace.changes == [.promoted(pg("db2"), forkPoint: LSN(100)), .moved([pg("db3")], lost: [pg("db3")])])
        #expect(trace.effects.contains(.reprobe(pg("db2"))))
        #expect(trace.steps.first == "DeadPrimary on db1:5432")
        #expect(trace.steps.contains("candidate: db2:5432"))
        // The recovery is successful before the post-failover hooks run (they see it so).
        let finish = trace.effects.firstIndex(of: .finish(.successful))
        #expect(finish != nil)
    }

    @Test("the post-unsuccessful point knows the candidate whose promotion failed")
    func failedPromotionCandidate() {
        let trace = MachineTrace(Self.machine(), [.proceed, Self.survey, .proceed, .failed("timeout"), .proceed])
        #expect(trace.actions.dropLast().last == .dispatch(.postUnsuccessfulFailover, candidate: pg("db2"), candidateLSN: LSN(100)))
    }
}

import HookAPI
@testable import Host
import Testing

@Suite("Intermediate recovery machine")
struct IntermediateRecoveryMachineTests {
    static func machine(upstream: String? = "db1") -> IntermediateRecoveryMachine {
        IntermediateRecoveryMachine(failed: pg("db2"), detection: "DeadIntermediatePrimary on db2:5432",
                                    upstream: upstream.map(pg), children: [pg("db3"), pg("db4")])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var machine = IntermediateRecoveryMachineTests.machine()
        var results: [RecoveryResult]
        var path: [String]
        var status: RecoveryRecord.Status
        var error: String?
        var testDescription: String { name }
    }

    @Test("every branch", arguments: [
        Case(name: "its standbys go to its own upstream",
             results: [.proceed, .answer(true), .proceed, .noneLost, .proceed],
             path: ["dispatch failureDetection", "checkReachable", "dispatch preFailover", "repoint to db1", "dispatch postIntermediateFailover"],
             status: .successful),
        Case(name: "one standby lost: still successful",
             results: [.proceed, .answer(true), .proceed, .lostStandbys("db4"), .proceed],
             path: ["dispatch failureDetection", "checkReachable", "dispatch preFailover", "repoint to db1", "dispatch postIntermediateFailover"],
             status: .successful),
        Case(name: "all lost: failed",
             results: [.proceed, .answer(true), .proceed, .lostStandbys("db3", "db4"), .proceed],
             path: ["dispatch failureDetection", "checkReachable", "dispatch preFailover", "repoint to db1", "dispatch postUnsuccessfulFailover"],
             status: .failed, error: "none of its standbys could be re-pointed"),
        Case(name: "its upstream is unreachable: failed, nothing moved",
             results: [.proceed, .answer(false), .proceed],
             path: ["dispatch failureDetection", "checkReachable", "dispatch postUnsuccessfulFailover"], status: .failed, error: "nowhere"),
        Case(name: "its upstream is unknown: failed, nothing moved",
             machine: machine(upstream: nil), results: [.proceed, .proceed],
             path: ["dispatch failureDetection", "dispatch postUnsuccessfulFailover"], status: .failed, error: "nowhere"),
        Case(name: "a veto aborts",
             results: [.proceed, .answer(true), .vetoed("a preFailover plugin vetoed the recovery: maintenance")],
             path: ["dispatch failureDetection", "checkReachable", "dispatch preFailover"], status: .aborted, error: "maintenance"),
    ])
    func branch(_ test: Case) {
        let trace = MachineTrace(test.machine, test.results)
        #expect(trace.path == test.path)
        #expect(trace.ended && trace.unused == 0)
        #expect(trace.status == test.status)
        if let error = test.error { #expect(trace.errors.contains { $0.contains(error) }, "\(trace.errors)") }
        if trace.path.contains("repoint to db1") {
            #expect(trace.changes.first == .successor(pg("db1")))
        }
    }
}

@testable import Host
import Testing

@Suite("Relocation machine")
struct RelocationMachineTests {
    static let machine = RelocationMachine(standby: pg("db3"), target: pg("db2"), oldUpstream: pg("db1"))

    @Test("moves, then drops the slot it left")
    func movesAndDrops() throws {
        var machine = Self.machine
        #expect(machine.start().action == .readSlot(pg("db3")))
        #expect(machine.received(.slot("db3_slot")).action == .repoint([pg("db3")], to: pg("db2"), forkPoint: nil))
        #expect(machine.received(.noneLost).action == .dropSlot("db3_slot", on: pg("db1")))
        let last = machine.received(.answer(true))
        #expect(last.action == .end)
        #expect(last.effects == [.step("replication slot db3_slot dropped on db1:5432, which db3:5432 left")])
        #expect(try machine.outcome?.get() == pg("db2"))
    }

    @Test("outcomes", arguments: [
        ("no slot: nothing to drop", [RecoveryResult.slot(""), .noneLost], true, ["readSlot", "repoint to db2"]),
        ("the slot is in use: kept", [.slot("s"), .noneLost, .answer(false)], true, ["readSlot", "repoint to db2", "dropSlot"]),
        ("the drop fails: moved anyway, recorded", [.slot("s"), .noneLost, .failed("timeout")], true, ["readSlot", "repoint to db2", "dropSlot"]),
        ("unreachable standby: failed", [.failed("connection refused")], false, ["readSlot"]),
        ("does not stream from the target: failed", [.slot("s"), .lostStandbys("db3")], false, ["readSlot", "repoint to db2"]),
    ])
    func outcomes(_ name: String, _ results: [RecoveryResult], _ moved: Bool, _ path: [String]) {
        var machine = Self.machine
        var transition = machine.start()
        var actions = [transition.action]
        for result in results {
            transition = machine.received(result)
            actions.append(transition.action)
        }
        #expect(transition.action == .end)
        #expect(actions.dropLast().map(MachineTrace.name) == path)
        switch machine.outcome {
        case .success(let upstream): #expect(moved && upstream == pg("db2"))
        case .failure(let error): #expect(!moved && error.message.hasPrefix("relocating db3:5432 below db2:5432 failed"))
        case nil: Issue.record("no outcome")
        }
    }

    @Test("moving below its own upstream drops nothing")
    func sameUpstream() {
        var machine = RelocationMachine(standby: pg("db3"), target: pg("db1"), oldUpstream: pg("db1"))
        _ = machine.start()
        _ = machine.received(.slot("s"))
        #expect(machine.received(.noneLost).action == .end)
    }
}

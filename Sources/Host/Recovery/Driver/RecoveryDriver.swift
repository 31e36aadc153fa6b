import Foundation
import HookAPI

/// Runs a `RecoveryMachine` to its end: records each transition's effects in the journal,
/// performs its action through the seams, and hands the result back. It decides nothing: what
/// happens next is the machine's; how an action is done is the seams'.
struct RecoveryDriver: Sendable {
    let instances: any RecoveryInstances
    let topology: any TopologyControl
    let dispatcher: any RecoveryDispatching
    let repository: any RecoveryRepository
    let journal: any RecoveryJournaling
    let clock: RecoveryClock
    let leadership: any RecoveryLeadership
    /// Standbys moved at once (`MaxConcurrentReplicaOperations`).
    let concurrency: Int
    /// For the events hooks and plugins see.
    let isAutomated: Bool
    let hostname: String

    /// Runs `machine` to its end, or until this daemon may no longer act (then the recovery
    /// stays registered as running, for the node that may act to conclude).
    func run(_ machine: inout some RecoveryMachine) async {
        var transition = machine.start()
        while true {
            for effect in transition.effects { await record(effect) }
            guard transition.action != .end else { return }
            if let refusal = await leadership.refusal() {
                await journal.error("stopped before \(transition.action.name): \(refusal)")
                return
            }
            guard let result = await perform(transition.action) else { return }
            transition = machine.received(result)
        }
    }

    private func record(_ effect: RecoveryEffect) async {
        switch effect {
        case .step(let message): await journal.step(message)
        case .error(let message): await journal.error(message)
        case .change(let change): await journal.apply(change)
        case .finish(let status): await journal.finish(status)
        case .reprobe(let key): topology.reprobe(key)
        }
    }

    /// The result of `action`; nil at `.end`.
    private func perform(_ action: RecoveryAction) async -> RecoveryResult? {
        let step: @Sendable (String) async -> Void = { [journal] in await journal.step($0) }
        switch action {
        case .end:
            return nil
        case .dispatch(let point, let candidate, let candidateLSN):
            guard let record = await journal.recovery else { return .dispatched(.nothing) }
            var event = RecoveryEvent(record, in: await topology.snapshot(), isAutomated: isAutomated, orchestratorHost: hostname)
            event.candidate = candidate?.address
            event.candidateLSN = candidateLSN
            return .dispatched(await dispatcher.dispatch(point, event, step: step))
        case .survey(let failed, let primaryAnswers):
            return .surveyed(await instances.survey(standbysOf: failed, in: await topology.snapshot(), primaryAnswers: primaryAnswers))
        case .checkReachable(let key):
            return .answer(await topology.snapshot().records[key]?.lastCheckValid == true)
        case .checkInRecovery(let key):
            return .answer(await instances.isInRecovery(key))
        case .promote(let key):
            return await attempt { .promoted(forkPoint: try await instances.promote(key, step: step)) }
        case .repoint(let standbys, let upstream, let forkPoint):
            return .moved(lost: await each(standbys) { standby in
                try await instances.repoint(standby, to: upstream, forkPoint: forkPoint, step: step)
                return "\(standby) streams from \(upstream)"
            })
        case .follow(let standbys, let primary, let timeout):
            // They cascade from it already and follow its new timeline by themselves
            // (`recovery_target_timeline = latest`); each must do so in time, or is lost.
            return .moved(lost: await each(standbys) { standby in
                try await instances.verifyStreaming(standby, from: primary, timeout: timeout)
                return "\(standby) follows \(primary) on its new timeline"
            })
        case .fence(let key):
            return await attempt { try await instances.fenceReadOnly(key, step: step); return .done }
        case .unfence(let key):
            return await attempt { try await instances.unfence(key); return .done }
        case .catchUp(let standby, let primary, let timeout):
            return await attempt { .caughtUp(try await instances.catchUp(standby, with: primary, timeout: timeout)) }
        case .verifyStreaming(let standby, let primary, let timeout):
            return await attempt { try await instances.verifyStreaming(standby, from: primary, timeout: timeout); return .done }
        case .dropSlots(let moved, let old):
            await dropSlots(of: moved, on: old)
            return .done
        case .readSlot(let standby):
            return await attempt { .slot(try await instances.slotName(of: standby)) }
        case .dropSlot(let slot, let key):
            return await attempt { .answer(try await instances.dropInactiveSlot(slot, on: key)) }
        case .downtime(let key, let duration, let reason):
            let now = clock.now()
            return await attempt {
                try await repository.beginDowntime(Downtime(key: key, owner: "orchestrator", reason: reason, beganAt: now,
                                                            endsAt: now.addingTimeInterval(duration.seconds)))
                return .done
            }
        case .acknowledge(let comment):
            guard let uid = await journal.recovery?.uid else { return .done }
            return await attempt {
                _ = try await repository.acknowledgeRecoveries(.uid(uid), by: "orchestrator", comment: comment, at: clock.now())
                return .done
            }
        }
    }

    private func attempt(_ body: () async throws -> RecoveryResult) async -> RecoveryResult {
        do {
            return try await body()
        } catch {
            return .failed("\(error)")
        }
    }

    /// Runs `body` for every standby, at most `concurrency` at a time: its result is journaled
    /// as a step and the standby re-probed; an error journals it as lost. Returns the lost.
    private func each(_ standbys: [InstanceKey], _ body: @escaping @Sendable (InstanceKey) async throws -> String) async -> [LostStandby] {
        let limiter = AsyncLimiter(max(1, concurrency))
        let journal = self.journal, topology = self.topology
        return await withTaskGroup(of: LostStandby?.self) { group in
            for standby in standbys {
                group.addTask {
                    await limiter.acquire()
                    defer { limiter.release() }
                    do {
                        await journal.step(try await body(standby))
                        topology.reprobe(standby)
                        return nil
                    } catch {
                        await journal.error("\(standby) lost: \(error)")
                        return LostStandby(key: standby, reason: "\(error)")
                    }
                }
            }
            var lost: [LostStandby] = []
            for await standby in group { if let standby { lost.append(standby) } }
            return lost.sorted { $0.key < $1.key }
        }
    }

    /// The slots the moved standbys used on the old primary would pin WAL there for good (also
    /// once it is a standby): each is dropped if nothing uses it and it is clearly theirs
    /// (`SlotCleanup`).
    private func dropSlots(of moved: [InstanceKey], on old: InstanceKey) async {
        let plan = SlotCleanup.plan(moved: moved, in: await topology.snapshot().records)
        for kept in plan.kept {
            await journal.step("replication slot \(kept.name) on \(old) kept: \(kept.key) and \(kept.sharing) all name it; drop it by hand if unused")
        }
        for slot in plan.drop {
            do {
                if try await instances.dropInactiveSlot(slot.name, on: old) {
                    await journal.step("replication slot \(slot.name) of \(slot.key) dropped on \(old)")
                }
            } catch {
                await journal.step("could not drop replication slot \(slot.name) on \(old): \(error); drop it there, it holds WAL back")
            }
        }
    }
}

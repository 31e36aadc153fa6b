import HookAPI

/// Re-points standbys at a new upstream, at most `MaxConcurrentReplicaOperations` at a time.
/// A standby that cannot follow is reported lost with the reason; the others carry on.
struct Repointer: Sendable {
    let environment: RecoveryEnvironment
    let journal: RecoveryJournal

    /// Returns the standbys that were lost.
    func repoint(_ standbys: [InstanceKey], to upstream: InstanceKey, forkPoint: LSN?) async -> [InstanceKey] {
        let limiter = AsyncLimiter(max(1, environment.configuration.recovery.maxConcurrentReplicaOperations))
        let lost = await withTaskGroup(of: InstanceKey?.self) { group in
            for standby in standbys {
                group.addTask {
                    await limiter.acquire()
                    defer { limiter.release() }
                    do {
                        try await environment.operations.repoint(
                            standby, to: upstream, forkPoint: forkPoint, verifyTimeout: RecoveryEnvironment.repointVerifyTimeout
                        ) { await journal.step($0) }
                        await journal.step("\(standby) streams from \(upstream)")
                        environment.topology.reprobe(standby)
                        return nil
                    } catch {
                        await journal.error("\(standby) lost: \(error)")
                        return standby
                    }
                }
            }
            var lost: [InstanceKey] = []
            for await key in group { if let key { lost.append(key) } }
            return lost.sorted()
        }
        return lost
    }
}

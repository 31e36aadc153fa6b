import HookAPI

/// Re-points standbys at a new upstream, at most `MaxConcurrentReplicaOperations` at a time.
/// A standby that cannot follow is reported lost with the reason; the others carry on.
struct Repointer: Sendable {
    let environment: RecoveryEnvironment
    let journal: RecoveryJournal

    /// Returns the standbys that were lost.
    func repoint(_ standbys: [InstanceKey], to upstream: InstanceKey, forkPoint: LSN?) async -> [InstanceKey] {
        await each(standbys) { standby in
            try await environment.operations.repoint(
                standby, to: upstream, forkPoint: forkPoint, verifyTimeout: RecoveryEnvironment.repointVerifyTimeout
            ) { await journal.step($0) }
            return "\(standby) streams from \(upstream)"
        }
    }

    /// Runs `body` for every standby, at most `MaxConcurrentReplicaOperations` at a time: its
    /// result is journaled as a step and the standby re-probed; an error journals it as lost.
    /// Returns the lost standbys.
    func each(_ standbys: [InstanceKey], _ body: @escaping @Sendable (InstanceKey) async throws -> String) async -> [InstanceKey] {
        let limiter = AsyncLimiter(max(1, environment.configuration.recovery.maxConcurrentReplicaOperations))
        return await withTaskGroup(of: InstanceKey?.self) { group in
            for standby in standbys {
                group.addTask {
                    await limiter.acquire()
                    defer { limiter.release() }
                    do {
                        await journal.step(try await body(standby))
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
    }
}

import Foundation
import HookAPI
@testable import Host
import Synchronization

/// The recovery's repository in memory.
actor MemoryRepository: RecoveryRepository {
    var records: [String: RecoveryRecord] = [:]
    var steps: [(uid: String, at: Date, message: String)] = []
    var downtimes: [Downtime] = []
    var acknowledged: [String] = []

    func registerRecovery(_ record: RecoveryRecord) async throws -> RecoveryRecord? {
        guard !records.values.contains(where: { $0.isActive && $0.clusterName == record.clusterName }) else { return nil }
        records[record.uid] = record
        return record
    }
    func updateRecovery(_ record: RecoveryRecord) async throws { records[record.uid] = record }
    func addRecoveryStep(_ uid: String, _ message: String, at: Date) async throws { steps.append((uid, at, message)) }
    func recoveries(_ filter: RecoveryFilter, limit: Int, offset: Int) async throws -> [RecoveryRecord] {
        let all = records.values.sorted { $0.startedAt > $1.startedAt }
        switch filter {
        case .active: return all.filter(\.isActive)
        case .uid(let uid): return all.filter { $0.uid == uid }
        default: return all
        }
    }
    func acknowledgeRecoveries(_ filter: RecoveryFilter, by user: String, comment: String, at: Date) async throws -> [RecoveryRecord] {
        guard case .uid(let uid) = filter else { return [] }
        acknowledged.append(uid)
        records[uid]?.acknowledged = true
        return records[uid].map { [$0] } ?? []
    }
    func recoveriesDisabled() async throws -> Bool { false }
    func activeDowntimes(at now: Date) async throws -> [Downtime] { downtimes.filter { $0.endsAt > now } }
    func beginDowntime(_ downtime: Downtime) async throws { downtimes.append(downtime) }
    func candidateRegistrations(since: Date) async throws -> [CandidateRegistration] { [] }
    func purgeHistory(before cutoff: Date) async throws -> Int { 0 }
}

/// Servers that answer as told and remember what they were asked, in order.
final class FakeInstances: RecoveryInstances {
    struct Script: Sendable {
        var standbys: [CandidatePicker.Standby] = []
        var forkPoint = LSN(100)
        /// Operations (by `calls` spelling) that fail, with the error.
        var failing: [String: String] = [:]
        var slots: [InstanceKey: String] = [:]
    }

    let script: Script
    private let log = Mutex<[String]>([])
    var calls: [String] { log.withLock { $0 } }

    init(_ script: Script) { self.script = script }

    private func call(_ name: String) throws {
        log.withLock { $0.append(name) }
        if let reason = script.failing[name] { throw RecoveryError(reason) }
    }

    func survey(standbysOf failed: InstanceKey, in snapshot: TopologySnapshot, primaryAnswers: Bool) async -> [CandidatePicker.Standby] {
        try? call("survey \(failed.host)")
        return script.standbys
    }
    func promote(_ key: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws -> LSN {
        try call("promote \(key.host)")
        await step("promoting \(key)")
        return script.forkPoint
    }
    func isInRecovery(_ key: InstanceKey) async -> Bool? { (try? call("isInRecovery \(key.host)")).map { true } }
    func repoint(_ standby: InstanceKey, to upstream: InstanceKey, forkPoint: LSN?,
                 step: @escaping @Sendable (String) async -> Void) async throws {
        try call("repoint \(standby.host) to \(upstream.host)")
    }
    func verifyStreaming(_ standby: InstanceKey, from primary: InstanceKey, timeout: Duration) async throws {
        try call("verify \(standby.host) from \(primary.host)")
    }
    func fenceReadOnly(_ primary: InstanceKey, step: @escaping @Sendable (String) async -> Void) async throws { try call("fence \(primary.host)") }
    func unfence(_ primary: InstanceKey) async throws { try call("unfence \(primary.host)") }
    func catchUp(_ standby: InstanceKey, with primary: InstanceKey, timeout: Duration) async throws -> LSN {
        try call("catchUp \(standby.host)")
        return LSN(90)
    }
    func slotName(of standby: InstanceKey) async throws -> String {
        try call("slotName \(standby.host)")
        return script.slots[standby] ?? ""
    }
    func dropInactiveSlot(_ slot: String, on key: InstanceKey) async throws -> Bool {
        try call("drop \(slot) on \(key.host)")
        return true
    }
}

/// A topology that does not change while the recovery runs; re-probes are remembered.
final class FakeTopology: TopologyControl {
    let fixed: TopologySnapshot
    private let probed = Mutex<[InstanceKey]>([])
    var reprobed: [InstanceKey] { probed.withLock { $0 } }

    init(_ records: [InstanceKey: InstanceRecord] = [:]) {
        fixed = TopologySnapshot(records: records, graph: TopologyGraph(records: records, aliases: [:], defaultPort: 5432), aliases: [:])
    }

    func snapshot() async -> TopologySnapshot { fixed }
    func reprobe(_ key: InstanceKey) { probed.withLock { $0.append(key) } }
}

/// Answers each point as told and remembers the events.
final class RecordingDispatcher: RecoveryDispatching {
    let answers: [RecoveryPoint: DispatchOutcome]
    private let seen = Mutex<[(RecoveryPoint, RecoveryEvent)]>([])
    var dispatched: [(point: RecoveryPoint, event: RecoveryEvent)] { seen.withLock { $0 } }

    init(_ answers: [RecoveryPoint: DispatchOutcome] = [:]) { self.answers = answers }

    func dispatch(_ point: RecoveryPoint, _ event: RecoveryEvent, step: @escaping @Sendable (String) async -> Void) async -> DispatchOutcome {
        seen.withLock { $0.append((point, event)) }
        return answers[point] ?? .nothing
    }
}

/// A recovery of `db1` (a dead primary with standbys db2, db3), registered in `repository`,
/// and a driver over the fakes with the clock stopped at `now`.
struct DriverBench {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    let repository = MemoryRepository()
    let instances: FakeInstances
    let topology: FakeTopology
    let dispatcher: RecordingDispatcher
    let journal: RecoveryJournal
    let record: RecoveryRecord

    init(_ script: FakeInstances.Script, records: [InstanceKey: InstanceRecord] = [:], answers: [RecoveryPoint: DispatchOutcome] = [:],
         status: RecoveryRecord.Status = .running) async throws {
        instances = FakeInstances(script)
        topology = FakeTopology(records)
        dispatcher = RecordingDispatcher(answers)
        let entry = AnalysisEntry(
            code: .deadPrimary, instance: pg("db1"), upstream: nil, clusterName: "db1:5432", description: "primary and its standbys lost it",
            isPrimary: true, isReadOnly: false, lastCheckValid: false, replicas: [pg("db2"), pg("db3")], countValidReplicas: 2,
            countStreamingReplicas: 0, countValidReplicatingReplicas: 0, countLaggingReplicas: 0, countDowntimedReplicas: 0,
            isDowntimed: false, downtimeEnd: nil, systemIdentifier: "7000", lastLSN: LSN(100))
        var record = RecoveryRecord(uid: "u1", analysis: entry, clusterAlias: "payments", command: "", startedAt: Self.now,
                                    processingNodeHostname: "orc1", processingNodeToken: "t")
        record.status = status
        _ = try await repository.registerRecovery(record)
        try await repository.updateRecovery(record)
        self.record = record
        journal = RecoveryJournal(record, repository: repository, logger: quietLogger, clock: RecoveryClock { Self.now })
    }

    var driver: RecoveryDriver { driver(leadership: SoleLeader()) }

    func driver(leadership: any RecoveryLeadership) -> RecoveryDriver {
        RecoveryDriver(instances: instances, topology: topology, dispatcher: dispatcher, repository: repository, journal: journal,
                       clock: RecoveryClock { Self.now }, leadership: leadership, concurrency: 2, isAutomated: true, hostname: "orc1")
    }

    var stored: RecoveryRecord {
        get async { await repository.records["u1"]! }
    }
}

/// Leadership lost after `actions` actions were allowed.
final class LeadershipLost: RecoveryLeadership {
    private let left: Mutex<Int>
    init(after actions: Int) { left = Mutex(actions) }
    func refusal() async -> String? {
        left.withLock { left in
            defer { left -= 1 }
            return left > 0 ? nil : "this node is no longer the Raft leader (term 7)"
        }
    }
}

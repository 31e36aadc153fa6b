public import Foundation
public import Logging
public import ServiceLifecycle
import HookAPI

/// Failure detection and recovery: analyses the clusters whose facts changed when a probe
/// changes what the analysis reads (and every changed cluster once a second), re-probes a
/// cluster at once while its primary's fate is open, and runs the recoveries the gates allow,
/// at most one per cluster.
public actor RecoveryCoordinator: Service {
    let environment: RecoveryEnvironment
    private var latest: [AnalysisEntry] = []
    private var blocked: [InstanceKey: BlockedRecovery] = [:]
    private var review = AnalysisReview()
    /// Findings per cluster, re-made for the clusters whose facts changed.
    private var cache = AnalysisCache()
    private var lastFilterCheck = ContinuousClock.now
    /// Clusters (by system identifier, else name) with a recovery (or a switchover or a
    /// relocation) running in this process.
    var inFlight: Set<String> = []
    /// Recoveries running in this process, by UID: waited for at shutdown.
    private var running: [String: Task<RecoveryRecord, Never>] = [:]
    private var fates = FateWatch()
    private var emergentPassScheduled = false
    private var passRunning = false
    private var passRequested = false
    let processToken: String
    private let started = ContinuousClock.now
    private var lastDowntimes: [Downtime] = []
    private var downtimeReadError: String?
    private var unmatchedFiltersLogged: Set<String> = []
    private var loggedSkips: [InstanceKey: String] = [:]
    /// Unmatched cluster filters are reported only after discovery had this long.
    static let filterCheckDelay: Duration = .seconds(60)
    static let filterCheckInterval: Duration = .seconds(10)
    static let purgeInterval: Duration = .seconds(3600)
    /// How long a stop waits for recoveries in flight: a failover takes well under a second,
    /// a switchover at most its catch-up and promotion timeouts.
    static let shutdownWait: Duration = .seconds(30)

    public struct BlockedRecovery: Sendable, Equatable {
        public var entry: AnalysisEntry
        public var blockingRecoveryUID: String
        public var reason: String
        public var lastBlockedAt: Date
    }

    public init(configuration: Configuration, repository: any RecoveryRepository, topology: TopologyService,
                plugins: any RecoveryPluginDispatch = NoRecoveryPlugins(), logger: Logger, processToken: String) {
        self.environment = RecoveryEnvironment(configuration: configuration, repository: repository, topology: topology,
                                               plugins: plugins, logger: logger, hostname: ProcessInfo.processInfo.hostName)
        self.processToken = processToken
    }

    public func run() async throws {
        await concludeInterrupted()
        // Analysis stops at shutdown; a recovery already running is waited for (bounded),
        // while the topology service, which stops after this one, still probes.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in self.environment.topology.probeEvents { await self.requestPass() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await self.requestPass()
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await self.purgeHistory()
                        try? await Task.sleep(for: Self.purgeInterval)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        await waitForRecoveries()
    }

    // MARK: Reading

    /// The problems found by the last analysis pass.
    public var analysis: [AnalysisEntry] { latest }

    public var blockedRecoveries: [BlockedRecovery] { blocked.values.sorted { $0.entry.instance < $1.entry.instance } }

    // MARK: Analysis

    /// Re-analyses now (after a downtime or switch change through the API).
    public func refresh() async { await requestPass() }

    private func requestPass() async {
        passRequested = true
        guard !passRunning else { return }
        passRunning = true
        defer { passRunning = false }
        while passRequested {
            passRequested = false
            await pass()
        }
    }

    private func pass() async {
        // Unreadable downtimes: analyse with the last ones read, and let no automated recovery
        // start until they can be read (`facts`).
        let downtimes: [Downtime]
        do {
            downtimes = try await environment.repository.activeDowntimes(at: environment.clock.now())
            lastDowntimes = downtimes
            downtimeReadError = nil
        } catch {
            downtimes = lastDowntimes
            downtimeReadError = "\(error)"
        }
        let state = environment.topology.state
        var delta = await state.takeAnalysisDelta()
        func context(_ snapshot: TopologySnapshot) -> Analyzer.Context {
            Analyzer.Context(
                downtimes: Dictionary(downtimes.map { (snapshot.canonical($0.key), $0.endsAt) }) { a, _ in a },
                reasonableReplicationLagSeconds: Double(environment.configuration.analysis.reasonableReplicationLagSeconds))
        }
        if delta.clusters != nil, !cache.isCurrent(context(delta.snapshot)) {
            delta = await state.takeAnalysisDelta(all: true)
        }
        let analysed = cache.update(delta, context(delta.snapshot))
        // The delta holds the changed clusters only; what looks across clusters (aliases,
        // hook events, gates) reads the whole topology, fetched once and only when needed.
        var whole: TopologySnapshot? = delta.clusters == nil ? delta.snapshot : nil
        var review = self.review
        let aliasSource = review.hasUnreviewed(analysed) ? await wholeSnapshot(&whole) : delta.snapshot
        let configuration = environment.configuration
        let entries = await review.apply(analysed,
                                         clusterAlias: { ClusterAliases.alias(of: $0, in: aliasSource, configuration: configuration) },
                                         plugins: environment.plugins)
        self.review = review
        if entries != latest {
            logChanges(from: latest, to: entries)
            let splitBrains = Self.newSplitBrains(from: latest, to: entries)
            if !splitBrains.isEmpty { announce(splitBrains, await wholeSnapshot(&whole)) }
        }
        latest = entries
        if ContinuousClock.now - started > Self.filterCheckDelay, ContinuousClock.now - lastFilterCheck >= Self.filterCheckInterval {
            lastFilterCheck = .now
            logUnmatchedFilters(await wholeSnapshot(&whole))
        }
        DaemonMetrics.analysis(entries)
        let fate = fates.watch(entries, now: environment.clock.now(), instant: .now) { inFlight.contains(clusterIdentity($0)) }
        for key in fate.reprobe { environment.topology.reprobe(key) }
        if fate.undecided { scheduleEmergentPass() }
        let actionable = Set(entries.filter(\.isActionable).map(\.instance))
        blocked = blocked.filter { actionable.contains($0.key) }
        for entry in entries where entry.isActionable {
            _ = await consider(entry, snapshot: await wholeSnapshot(&whole), manual: nil)
        }
        loggedSkips = loggedSkips.filter { actionable.contains($0.key) }
    }

    /// `cached`, else the topology's snapshot, kept in `cached`.
    private func wholeSnapshot(_ cached: inout TopologySnapshot?) async -> TopologySnapshot {
        if let cached { return cached }
        let taken = await environment.topology.state.snapshot()
        cached = taken
        return taken
    }

    /// A cluster filter that matches none of the clusters known (once the first discovery had
    /// time to finish) is most likely a typo or an alias that never came: logged once.
    private func logUnmatchedFilters(_ snapshot: TopologySnapshot) {
        guard !snapshot.graph.clusterNames.isEmpty else { return }
        let configuration = environment.configuration
        let clusters = snapshot.graph.clusterNames.map { ($0, ClusterAliases.alias(of: $0, in: snapshot, configuration: configuration)) }
        for (key, list) in [("RecoverMasterClusterFilters", configuration.recovery.recoverPrimaryClusterFilters),
                            ("RecoverIntermediateMasterClusterFilters", configuration.recovery.recoverIntermediatePrimaryClusterFilters)] {
            for filter in list.filters where !unmatchedFiltersLogged.contains("\(key) \(filter)") {
                let single = ClusterFilters([filter])
                guard !clusters.contains(where: { single.matches(name: $0.0, alias: $0.1) }) else { continue }
                unmatchedFiltersLogged.insert("\(key) \(filter)")
                let known = clusters.map { $0.1.isEmpty ? $0.0 : "\($0.0) alias \($0.1)" }.joined(separator: ", ")
                environment.logger.warning("\(key) entry \"\(filter)\" matches none of the known clusters (\(known)); check it")
            }
        }
    }

    /// `AuditPurgeDays`: recovery history and role changes older than that go.
    private func purgeHistory() async {
        let days = environment.configuration.audit.purgeDays
        do {
            let removed = try await environment.repository.purgeHistory(before: environment.clock.now().addingTimeInterval(-Double(days) * 86400))
            if removed > 0 { environment.logger.info("purged \(removed) history rows older than \(days) days (AuditPurgeDays)") }
        } catch {
            if !Task.isCancelled { environment.logger.error("\(error)") }
        }
    }

    private func logChanges(from old: [AnalysisEntry], to new: [AnalysisEntry]) {
        let before = Set(old.map { "\($0.code.rawValue) \($0.instance)" })
        for entry in new where !before.contains("\(entry.code.rawValue) \(entry.instance)") {
            environment.logger.warning("analysis: \(entry.code.rawValue) on \(entry.instance) (\(entry.clusterName)): \(entry.description)")
        }
    }

    /// Whether `new` has a `SplitBrain` on a system identifier `old` had none on.
    /// The first `SplitBrain` entry of each system identifier `new` has one on and `old` had not.
    static func newSplitBrains(from old: [AnalysisEntry], to new: [AnalysisEntry]) -> [AnalysisEntry] {
        var seen = Set(old.filter { $0.code == .splitBrain }.compactMap(\.systemIdentifier))
        return new.filter { entry in
            guard entry.code == .splitBrain, let system = entry.systemIdentifier else { return false }
            return seen.insert(system).inserted
        }
    }

    /// `SplitBrain` changes nothing by itself, but it is loud: every new occurrence (per system
    /// identifier, see `newSplitBrains`) runs the failure-detection point with
    /// `ORC_FAILURE_TYPE=SplitBrain`.
    private func announce(_ splitBrains: [AnalysisEntry], _ snapshot: TopologySnapshot) {
        for entry in splitBrains {
            let environment = self.environment
            let record = RecoveryRecord(uid: "", analysis: entry, clusterAlias: "", command: "", startedAt: environment.clock.now(),
                                        processingNodeHostname: environment.hostname, processingNodeToken: processToken)
            let event = RecoveryEvent(record, in: snapshot, isAutomated: false, orchestratorHost: environment.hostname)
            Task.detached {
                _ = await environment.dispatcher.dispatch(.failureDetection, event) {
                    environment.logger.warning("SplitBrain \(entry.instance): \($0)")
                }
            }
        }
    }

    private func scheduleEmergentPass() {
        guard !emergentPassScheduled else { return }
        emergentPassScheduled = true
        Task {
            try? await Task.sleep(for: FateWatch.interval)
            self.emergentPassScheduled = false
            await self.requestPass()
        }
    }

    // MARK: Recovery

    /// Manual recovery (`/api/recover`): of `failed`'s current failure, promoting `candidate`
    /// if given. Waits for the recovery to end and returns its record.
    public func recover(_ failed: InstanceKey, candidate: InstanceKey?) async -> Result<RecoveryRecord, RecoveryError> {
        await pass()
        let snapshot = await environment.topology.state.snapshot()
        let key = snapshot.canonical(failed)
        guard snapshot.records[key] != nil else { return .failure(RecoveryError("\(failed) is not known; discover it first")) }
        guard let entry = latest.first(where: { $0.instance == key && ($0.isActionable || $0.code.isPrimaryFailure) }) else {
            return .failure(RecoveryError("\(key) has no failure to recover (see replication-analysis)"))
        }
        return await consider(entry, snapshot: snapshot, manual: candidate.map { .some(snapshot.canonical($0)) } ?? .some(nil))
    }

    /// Applies the gates and, if they allow, registers and runs the recovery. `manual` is nil
    /// for an automated recovery, else the operator's candidate (or `.some(nil)`).
    private func consider(_ entry: AnalysisEntry, snapshot: TopologySnapshot, manual: InstanceKey??) async -> Result<RecoveryRecord, RecoveryError> {
        let identity = clusterIdentity(entry)
        let facts = await facts(for: entry, snapshot: snapshot, identity: identity)
        let verdict = manual == nil ? RecoveryGates.automated(facts, environment.configuration.recovery) : RecoveryGates.manual(facts)
        switch verdict {
        case .skip(let reason):
            // Why an automated recovery does not happen, once per instance and reason.
            if manual == nil, loggedSkips[entry.instance] != reason {
                loggedSkips[entry.instance] = reason
                environment.logger.info("no automated recovery of \(entry.instance) (\(entry.code.rawValue)): \(reason)")
            }
            return .failure(RecoveryError(reason))
        case .blocked(let uid, let reason):
            if blocked[entry.instance] == nil {
                environment.logger.warning("recovery of \(entry.instance) blocked: \(reason)")
            }
            blocked[entry.instance] = BlockedRecovery(entry: entry, blockingRecoveryUID: uid, reason: reason, lastBlockedAt: environment.clock.now())
            return .failure(RecoveryError(reason))
        case .proceed:
            break
        }
        let record = RecoveryRecord(
            uid: UUID().uuidString.lowercased(), analysis: entry, clusterAlias: facts.clusterAlias,
            command: manual == nil ? "" : "recover", startedAt: environment.clock.now(),
            processingNodeHostname: environment.hostname, processingNodeToken: processToken)
        let registered: RecoveryRecord
        switch await register(record, identity: identity) {
        case .success(let saved): registered = saved
        case .failure(let error): return .failure(error)
        }
        blocked[entry.instance] = nil
        let detection = "\(entry.code.rawValue) on \(entry.instance): \(entry.description)"
        let machine: any RecoveryMachine = switch entry.code {
        case .deadIntermediatePrimary:
            IntermediateRecoveryMachine(failed: entry.instance, detection: detection, upstream: entry.upstream, children: entry.replicas)
        default:
            PrimaryFailoverMachine(uid: registered.uid, failed: entry.instance, detection: detection, requestedCandidate: manual ?? nil,
                                   settings: .init(environment.configuration.recovery))
        }
        let running = launch(registered, identity: identity, label: manual == nil ? "automated" : "manual recover",
                             isAutomated: manual == nil, machine)
        // An automated recovery runs on its own; analysis of other clusters goes on meanwhile.
        guard manual != nil else { return .success(registered) }
        return .success(await running.value)
    }

    /// Takes the cluster's in-flight slot and registers `record` durably. On failure the slot
    /// is free again and nothing may act: acting without a durable record could repeat the
    /// action after a restart.
    func register(_ record: RecoveryRecord, identity: String) async -> Result<RecoveryRecord, RecoveryError> {
        guard inFlight.insert(identity).inserted else { return .failure(RecoveryError("a recovery of this cluster is in progress")) }
        // Ends not stored yet go first: their rows would refuse this registration.
        await environment.finishes.flush()
        await environment.topology.persist()
        do {
            guard let saved = try await environment.repository.registerRecovery(record) else {
                inFlight.remove(identity)
                return .failure(RecoveryError("a recovery of this cluster is in progress"))
            }
            return .success(saved)
        } catch {
            inFlight.remove(identity)
            if !Task.isCancelled { environment.logger.error("not acting on \(record.failed): \(error)") }
            return .failure(RecoveryError("cannot register the recovery in the backend: \(error)"))
        }
    }

    /// Runs a registered recovery's machine to its end in its own task (also if the HTTP
    /// request that asked for it goes away), then frees the cluster and re-probes everything
    /// it touched.
    func launch(_ registered: RecoveryRecord, identity: String, label: String, isAutomated: Bool,
                _ machine: any RecoveryMachine) -> Task<RecoveryRecord, Never> {
        let environment = self.environment
        let journal = environment.journal(registered)
        let task = Task.detached {
            let started = ContinuousClock.now
            await journal.step("registered by \(environment.hostname) (\(label))")
            var machine = machine
            await environment.driver(journal, isAutomated: isAutomated).run(&machine)
            let final = await journal.record
            DaemonMetrics.recovered(type: final.analysis.code.rawValue, result: final.status.rawValue, seconds: (ContinuousClock.now - started).seconds)
            for key in final.participating { environment.topology.reprobe(key) }
            await self.finished(identity, uid: final.uid)
            return final
        }
        running[registered.uid] = task
        return task
    }

    func finished(_ identity: String, uid: String? = nil) {
        inFlight.remove(identity)
        if let uid { running[uid] = nil }
    }

    /// At shutdown: waits for the recoveries in flight, at most `shutdownWait`. One still
    /// running then is cut off by the exit and concluded as interrupted at the next start.
    private func waitForRecoveries() async {
        let tasks = Array(running.values)
        guard !tasks.isEmpty else { return }
        environment.logger.notice("stopping: waiting up to \(Self.shutdownWait.components.seconds) s for \(tasks.count) recovery(ies) in flight")
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for task in tasks { _ = await task.value }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: Self.shutdownWait)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !ended {
            environment.logger.warning("stopping with \(running.count) recovery(ies) still running; the next start concludes them as interrupted")
        }
    }

    private func facts(for entry: AnalysisEntry, snapshot: TopologySnapshot, identity: String) async -> RecoveryGates.Facts {
        let repository = environment.repository
        let now = environment.clock.now()
        let period = TimeInterval(environment.configuration.recovery.periodBlockSeconds)
        // Read errors fail closed (`Facts.unreadable`): an unreadable switch, downtime or
        // block period must not let an automated recovery through.
        var unreadable: [String] = []
        if let downtimeReadError { unreadable.append("downtimes: \(downtimeReadError)") }
        var history: [RecoveryRecord] = []
        do {
            let filter: RecoveryFilter = entry.systemIdentifier.map { .systemIdentifier($0) } ?? .cluster(entry.clusterName)
            history = try await repository.recoveries(filter, limit: 20, offset: 0)
        } catch {
            unreadable.append("recovery history: \(error)")
        }
        var disabled = false
        do {
            disabled = try await repository.recoveriesDisabled()
        } catch {
            unreadable.append("the global recovery switch: \(error)")
        }
        let ended = await environment.finishes.endedUIDs
        let otherPrimary = RecoveryGates.otherPrimary(for: entry, in: snapshot)
        return RecoveryGates.Facts(
            entry: entry,
            clusterAlias: ClusterAliases.alias(of: entry.clusterName, in: snapshot, configuration: environment.configuration),
            recoveriesDisabled: disabled,
            activeRecovery: inFlight.contains(identity) ? "(this process)"
                : history.first(where: { $0.isActive && !ended.contains($0.uid) })?.uid,
            recentUnacknowledged: history.first { !$0.acknowledged && now.timeIntervalSince($0.startedAt) < period },
            otherPrimary: otherPrimary,
            unreadable: unreadable.isEmpty ? nil : unreadable.joined(separator: "; "))
    }

    private func clusterIdentity(_ entry: AnalysisEntry) -> String {
        Self.clusterIdentity(systemIdentifier: entry.systemIdentifier, clusterName: entry.clusterName)
    }

    static func clusterIdentity(systemIdentifier: String?, clusterName: String) -> String {
        systemIdentifier.map { "system:\($0)" } ?? "cluster:\(clusterName)"
    }

    /// Recoveries still marked running were cut short by a stop of the daemon: they are
    /// concluded as interrupted, neither resumed nor repeated (their steps show how far they
    /// got; the block period holds until someone acknowledges them).
    private func concludeInterrupted() async {
        let active = (try? await environment.repository.recoveries(.active, limit: 1000, offset: 0)) ?? []
        for record in active {
            var conclusion = InterruptedRecovery()
            await environment.driver(environment.journal(record), isAutomated: false).run(&conclusion)
        }
    }
}

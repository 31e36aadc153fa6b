import Foundation
import HookAPI
package import Logging
import PGClient
public import ServiceLifecycle
import Synchronization

/// Discovery and continuous probing: one poll loop per known instance, a crawl that follows
/// replication links from every probe, and a writer that saves changes to the backend.
///
/// Each poll loop waits for the earliest of: its next tick, a wake-up (a neighbour lost
/// contact), or its idle connection closing (the server went away). A frozen or silent
/// instance only delays its own loop, by at most its deadlines.
public final class TopologyService: Service, Sendable {
    package let state: TopologyState
    private let backend: any TopologyRepository
    private let connector: Connector
    private let pollInterval: Duration
    private let seeds: [InstanceKey]
    private let ignore: PatternList
    private let forgetAfterHours: Int
    private let clusterAliasQuery: String
    private let clusters: Configuration.Clusters
    private let logger: Logger
    private let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation
    private let wakeups = Mutex<[InstanceKey: PGWakeup]>([:])
    private let discoverySlots: AsyncLimiter
    /// Ticks when a probe changed what the analysis reads beyond positions and lag
    /// (`TopologyState.Action.analyse`), coalesced (the newest only): the analyzer's trigger,
    /// so failure detection reacts to evidence instead of waiting for its periodic pass.
    package let probeEvents: AsyncStream<Void>
    private let probeSignal: AsyncStream<Void>.Continuation
    private let plugins: (any TopologyPluginDispatch)?

    enum Command: Sendable {
        case poll(InstanceKey)
        case discover(InstanceKey, TopologyState.Admission)
    }

    /// - Parameter plugins: asked about each instance before it joins (`discovery` point).
    package init(configuration: Configuration, backend: any TopologyRepository, logger: Logger, plugins: (any TopologyPluginDispatch)? = nil) {
        let pg = configuration.postgresql
        let discovery = configuration.discovery
        let saved: [InstanceRecord]
        do {
            saved = try backend.loadInstances()
        } catch {
            logger.error("starting with an empty topology: \(error)")
            saved = []
        }
        self.state = TopologyState(defaultPort: pg.defaultInstancePort, saved: saved)
        self.backend = backend
        self.connector = Connector(configuration)
        self.pollInterval = .seconds(discovery.instancePollSeconds)
        self.seeds = configuration.discoverySeedAddresses.map { InstanceKey(host: $0.host, port: $0.port) }
        self.ignore = discovery.ignoreHostnameFilters
        self.forgetAfterHours = discovery.unseenInstanceForgetHours
        self.clusterAliasQuery = configuration.clusters.detectClusterAliasQuery
        self.clusters = configuration.clusters
        self.logger = logger
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
        (probeEvents, probeSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.discoverySlots = AsyncLimiter(max(1, discovery.maxConcurrency))
        self.plugins = plugins
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for key in await state.keys { group.addTask { await self.pollLoop(key) } }
                for seed in seeds { group.addTask { await self.discoverSeed(seed) } }
                group.addTask { await self.saveLoop() }
                for await command in commands {
                    switch command {
                    case .poll(let key):
                        group.addTask { await self.pollLoop(key) }
                    case .discover(let key, let admission):
                        group.addTask { _ = await self.discover(key, as: admission) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.commandSink.finish()
        }
        probeSignal.finish()
        await saveNow()
    }

    // MARK: Discovery

    /// Probes `key` and, if it qualifies, adds it to the topology and starts polling it.
    /// Returns the instance's record (also when it was already known), or why not.
    package func discover(_ key: InstanceKey, as admission: TopologyState.Admission) async -> Result<InstanceRecord, DiscoveryError> {
        if let known = await state.record(key) { return .success(known) }
        if let pattern = ignore.firstMatchingPattern(in: key.host) {
            return .failure(DiscoveryError(key: key, message: "ignored: host matches DiscoveryIgnoreHostnameFilters \(pattern)"))
        }
        await discoverySlots.acquire()
        defer { discoverySlots.release() }
        // Where the connection would go is settled, and checked, before it is made: the
        // connection carries the password.
        let address: String?
        switch await checkedAddress(key, admission) {
        case .success(let checked):
            address = checked
        case .failure(let refusal):
            logger.info("discovery: \(key) not probed: \(refusal.message)")
            return .failure(refusal)
        }
        let prober = InstanceProber(key: key, connector: connector, clusterAliasQuery: clusterAliasQuery, address: address)
        switch await prober.probe() {
        case .failure(let error, _):
            await prober.close()
            await state.candidateUnreachable(key)
            logger.debug("discovery: \(key) unreachable: \(error)")
            return .failure(DiscoveryError(key: key, message: error.description))
        case .success(let probe, let latency):
            await prober.close()
            var annotation: InstanceAnnotation?
            switch await plugins?.annotate(discovery: await discoveryEvent(key, probe)) {
            case .ignore(let reason)?:
                await state.ignore(key)
                logger.info("discovery: \(key) ignored by a discovery plugin: \(reason)")
                return .failure(DiscoveryError(key: key, message: "ignored by a discovery plugin: \(reason)"))
            case .annotate(let given)?:
                annotation = given
            default:
                break
            }
            switch await state.admit(key, probe: probe, latency: latency, as: admission, annotation: annotation) {
            case .added(let added):
                logger.info("discovered \(added) (\(probe.isPrimary ? "primary" : "standby"), PostgreSQL \(probe.version))")
                commandSink.yield(.poll(added))
                await perform(await state.neighboursToDiscover(added) + [.analyse])
                return await known(added, asked: key)
            case .alias(let canonical):
                logger.debug("discovery: \(key) is \(canonical)")
                return await known(canonical, asked: key)
            case .rejected(let reason):
                logger.debug("discovery: \(reason)")
                return .failure(DiscoveryError(key: key, message: reason))
            }
        }
    }

    /// The address `key` resolves to, if the daemon may connect there: inside
    /// `DiscoveryAllowedNetworks`, and for a guess from `pg_stat_replication`, the address the
    /// replication connection came from (a row's `application_name` or `client_hostname` is
    /// whatever the client chose to send; its `client_addr` is what the primary saw).
    /// Nil for a socket directory (a seed or an API call may name one; a guess may not).
    /// A refusal holds the key back like a rejected probe (60 s); a failed lookup, like an
    /// unreachable one (a few seconds).
    private func checkedAddress(_ key: InstanceKey, _ admission: TopologyState.Admission) async -> Result<String?, DiscoveryError> {
        let result = await checkAddress(key, admission)
        if case .failure(let refusal) = result {
            if refusal.retrySoon { await state.candidateUnreachable(key) } else { await state.ignore(key) }
        }
        return result
    }

    private func checkAddress(_ key: InstanceKey, _ admission: TopologyState.Admission) async -> Result<String?, DiscoveryError> {
        if key.host.hasPrefix("/") {
            if case .downstreamOf = admission {
                return .failure(DiscoveryError(key: key, message: "a socket directory is no address a standby can advertise"))
            }
            return .success(nil)
        }
        let resolved: (text: String, address: NetworkAddress)
        do {
            resolved = try await connector.resolve(key)
        } catch {
            return .failure(DiscoveryError(key: key, message: error.message, retrySoon: true))
        }
        if let refusal = connector.refusal(of: resolved.address, for: key) {
            return .failure(DiscoveryError(key: key, message: refusal.message))
        }
        guard case .downstreamOf(let parent, _, let clientAddress) = admission else { return .success(resolved.text) }
        if let clientAddress {
            guard let client = NetworkAddress(clientAddress), client == resolved.address else {
                return .failure(DiscoveryError(key: key, message: "advertised by a replication connection from \(clientAddress) "
                    + "on \(parent), but resolves to \(resolved.address); not the same server"))
            }
            return .success(resolved.text)
        }
        // A Unix-socket replication connection: the standby runs on the primary's machine.
        let parentAddress = parent.host.hasPrefix("/") ? NetworkAddress("127.0.0.1") : try? await connector.resolve(parent).address
        guard let parentAddress, parentAddress == resolved.address || (parentAddress.isLoopback && resolved.address.isLoopback) else {
            return .failure(DiscoveryError(key: key, message: "advertised by a Unix-socket replication connection on \(parent), "
                + "but resolves to \(resolved.address), not to that server's machine"))
        }
        return .success(resolved.text)
    }

    private func discoveryEvent(_ key: InstanceKey, _ probe: InstanceProbe) async -> DiscoveryEvent {
        let upstream = probe.upstream(defaultPort: state.defaultPort)
        var cluster = probe.isPrimary ? key.description : ""
        if let upstream {
            let snapshot = await state.snapshot()
            cluster = snapshot.graph.nodes[snapshot.canonical(upstream)]?.clusterName ?? ""
        }
        return DiscoveryEvent(
            instance: InstanceAddress(host: key.host, port: key.port), role: probe.isPrimary ? "primary" : "standby",
            version: probe.version, versionNumber: probe.versionNumber, clusterName: cluster,
            clusterNameSetting: probe.settings.clusterName, systemIdentifier: probe.systemIdentifier,
            upstream: upstream.map { InstanceAddress(host: $0.host, port: $0.port) }, timeline: probe.timeline,
            lsn: probe.isPrimary ? probe.currentLSN : probe.replayLSN)
    }

    private func known(_ key: InstanceKey, asked: InstanceKey) async -> Result<InstanceRecord, DiscoveryError> {
        await state.record(key).map { .success($0) } ?? .failure(DiscoveryError(key: asked, message: "forgotten meanwhile"))
    }

    /// A seed is tried until it is known (it may be down or slow when the daemon starts).
    private func discoverSeed(_ seed: InstanceKey) async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled, !(await state.contains(seed)) {
            if case .failure(let error) = await discover(seed, as: .anything) {
                logger.warning("seed \(seed) not discovered yet (retrying in \(delay)): \(error.message)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// Stops polling and drops the instance (and its saved state).
    package func forget(_ key: InstanceKey) async -> Bool {
        let known = await state.forget(key)
        wake(key)
        await saveNow()
        return known
    }

    package func forgetCluster(_ name: String) async -> [InstanceKey] {
        let members = await state.forgetCluster(name)
        members.forEach(wake)
        await saveNow()
        return members
    }

    /// Probes the instance now instead of at its next tick.
    package func reprobe(_ key: InstanceKey) { wake(key) }

    // MARK: Polling

    private func pollLoop(_ key: InstanceKey) async {
        let wakeup = PGWakeup()
        wakeups.withLock { $0[key] = wakeup }
        defer { wakeups.withLock { if $0[key] === wakeup { $0[key] = nil } } }
        // The prober's connection closes when the loop ends and the prober goes away.
        let prober = InstanceProber(key: key, connector: connector, clusterAliasQuery: clusterAliasQuery)
        var next = ContinuousClock.now
        while !Task.isCancelled, await state.isPolled(key) {
            next = ContinuousClock.now + pollInterval
            switch await prober.probe() {
            case .success(let probe, let latency):
                DaemonMetrics.probed(seconds: latency, failed: false)
                await perform(await state.recordSuccess(key, probe: probe, latency: latency))
            case .failure(let error, let latency):
                DaemonMetrics.probed(seconds: latency, failed: true)
                let actions = await state.recordFailure(key, error: error.description, latency: latency)
                if !actions.isEmpty { logger.warning("lost contact with \(key): \(error.message)") }
                await perform(actions)
            }
            await prober.waitUntilNextProbe(next, wakeup: wakeup)
        }
    }

    private func perform(_ actions: [TopologyState.Action]) async {
        for action in actions {
            switch action {
            case .discover(let key, let admission):
                commandSink.yield(.discover(key, admission))
            case .reprobe(let key):
                wake(key)
            case .analyse:
                probeSignal.yield()
            }
        }
    }

    private func wake(_ key: InstanceKey) {
        wakeups.withLock { $0[key] }?.interrupt()
    }

    // MARK: Persistence

    private func saveLoop() async {
        var warnedAliases: Set<String> = []
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            tick += 1
            if tick % 10 == 0 { warnedAliases = await warnAboutRefusedAliases(warned: warnedAliases) }
            await state.pruneExpired()
            let forgotten = await state.forgetUnseen(olderThan: forgetAfterHours)
            if !forgotten.isEmpty { logger.notice("forgot instances unseen for \(forgetAfterHours) h: \(forgotten)") }
            await saveNow()
        }
    }

    /// Logs, once each, the data aliases refused because they name another cluster (see
    /// `ClusterAliases`). Returns the refusals current now.
    private func warnAboutRefusedAliases(warned: Set<String>) async -> Set<String> {
        let snapshot = await state.snapshot()
        guard !clusterAliasQuery.isEmpty || !snapshot.pluginClusterAliases.isEmpty else { return [] }
        var current: Set<String> = []
        for refusal in ClusterAliases.refusals(in: snapshot, clusters: clusters) {
            let id = "\(refusal.cluster)\u{0}\(refusal.alias)"
            current.insert(id)
            if !warned.contains(id) {
                logger.warning("cluster \(refusal.cluster): alias \(String(reflecting: String(refusal.alias.prefix(100)))) ignored: \(refusal.reason)")
            }
        }
        return current
    }

    /// Downtimes in force, for the API's instance fields; none when the backend cannot be
    /// read (the instance data is still worth serving).
    package func activeDowntimes() async -> [Downtime] {
        (try? await backend.activeDowntimes(at: Date())) ?? []
    }

    /// Writes what changed to the backend now (a recovery does before it acts, so that a
    /// restart finds the topology it acted on).
    package func persist() async { await saveNow() }

    private func saveNow() async {
        let changes = await state.takeChanges()
        let snapshot = await state.snapshot()
        DaemonMetrics.topology(instances: snapshot.records.count, clusters: snapshot.graph.clusterNames.count)
        var clusters: [InstanceKey: String] = [:]
        for record in changes.changed { clusters[record.key] = snapshot.graph.nodes[record.key]?.clusterName }
        do {
            try await backend.saveInstances(changes.changed, removed: changes.removed, roleChanges: changes.roleChanges, clusterOf: clusters)
        } catch {
            // Also a write cancelled at shutdown: the final save after the loops stop retries it.
            await state.giveBack(changes.changed, removed: changes.removed, roleChanges: changes.roleChanges)
            if !Task.isCancelled { logger.error("\(error)") }
        }
    }
}

package struct DiscoveryError: Error, Sendable, CustomStringConvertible {
    package let key: InstanceKey
    package let message: String
    /// Worth trying again in a few seconds (unreachable), as opposed to refused.
    var retrySoon = false

    init(key: InstanceKey, message: String, retrySoon: Bool = false) {
        self.key = key
        self.message = message
        self.retrySoon = retrySoon
    }
    package var description: String { "\(key): \(message)" }
}

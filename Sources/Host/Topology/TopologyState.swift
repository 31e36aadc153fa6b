package import Foundation
package import HookAPI

/// The single owner of the live topology: instance records, alternate spellings, and what
/// changed since the store last saved. Probe results come in; the actions they call for
/// (discover a neighbour, re-probe one at once) go out. Everything else reads snapshots.
package actor TopologyState {
    /// What a newly probed key must be to join the topology.
    package enum Admission: Sendable, Equatable {
        /// Seeds and explicit discovery: anything that answers.
        case anything
        /// The upstream a standby named: it must belong to the same cluster.
        case upstreamOf(systemIdentifier: String)
        /// A guess from a `pg_stat_replication` row (its `client_addr`, `client_hostname` or a
        /// `host:port` `application_name`): before any connection it must resolve to the row's
        /// `client_addr` (`clientAddress`; nil for a Unix-socket connection, then to the
        /// primary's own machine); once probed, a standby of the same cluster streaming from
        /// that primary, or it is a phantom.
        case downstreamOf(InstanceKey, systemIdentifier: String, clientAddress: String? = nil)
    }

    package enum AdmitResult: Sendable, Equatable {
        case added(InstanceKey)
        /// Another spelling of an instance already known.
        case alias(of: InstanceKey)
        case rejected(String)
    }

    package enum Action: Sendable, Equatable {
        case discover(InstanceKey, Admission)
        case reprobe(InstanceKey)
        /// Something the analysis reads besides positions and lag changed (reachability, role,
        /// links, the WAL receiver's state, settings, identity): analyse now rather than at
        /// the next periodic pass.
        case analyse
    }

    package struct RoleChange: Sendable {
        package var key: InstanceKey
        package var clusterName: String
        package var role: String
        package var at: Date
    }

    private var records: [InstanceKey: InstanceRecord] = [:]
    private var aliases: [InstanceKey: InstanceKey] = [:]
    private var graphCache: TopologyGraph?
    private var dirty: Set<InstanceKey> = []
    /// Instances probed since the analyzer last asked (see `takeAnalysisDelta`).
    private var analysisTouched: Set<InstanceKey> = []
    /// Cluster membership may have changed since then: the analyzer looks at every cluster.
    private var analysisNeedsAll = true
    /// When each record was last handed to the store: unchanged records are re-saved only
    /// this often, so a thousand instances polled every second do not mean a thousand writes.
    private var savedAt: [InstanceKey: Date] = [:]
    private let resaveInterval: TimeInterval = 60
    private var removed: Set<InstanceKey> = []
    private var roleChanges: [RoleChange] = []
    /// Candidates that did not qualify, not retried before the date.
    private var rejectedUntil: [InstanceKey: Date] = [:]
    /// Cluster aliases from the cluster-name plugins (see `ClusterNaming`).
    private var pluginClusterAliases: [String: String] = [:]
    nonisolated let defaultPort: Int
    private let now: @Sendable () -> Date

    /// `saved`: what the store knew, to resume from after a restart.
    package init(defaultPort: Int, saved: [InstanceRecord] = [], now: @escaping @Sendable () -> Date = { Date() }) {
        self.defaultPort = defaultPort
        self.now = now
        for record in saved { records[record.key] = record }
    }

    // MARK: Reading

    package func canonical(_ key: InstanceKey) -> InstanceKey { aliases[key] ?? key }

    package func contains(_ key: InstanceKey) -> Bool { records[canonical(key)] != nil }

    package func record(_ key: InstanceKey) -> InstanceRecord? { records[canonical(key)] }

    /// Whether `key` is still an instance of its own (not forgotten, not turned into an alias):
    /// what keeps its poll loop going.
    package func isPolled(_ key: InstanceKey) -> Bool { aliases[key] == nil && records[key] != nil }

    package var keys: [InstanceKey] { records.keys.sorted() }

    package func snapshot() -> TopologySnapshot {
        TopologySnapshot(records: records, graph: graph, aliases: aliases, pluginClusterAliases: pluginClusterAliases)
    }

    private var graph: TopologyGraph {
        if let graphCache { return graphCache }
        let built = TopologyGraph(records: records, aliases: aliases, defaultPort: defaultPort)
        graphCache = built
        return built
    }

    /// Links changed: the graph is rebuilt when next read, and the analyzer looks at every
    /// cluster (membership may have moved).
    private func graphChanged() {
        graphCache = nil
        analysisNeedsAll = true
    }

    // MARK: Analysis

    /// The clusters whose facts changed since the analyzer last asked, with their records; all
    /// of them when `all`, or when cluster membership may have changed. Clears what it hands
    /// out: the recovery coordinator is its one reader.
    package func takeAnalysisDelta(all: Bool = false) -> TopologyDelta {
        defer {
            analysisTouched = []
            analysisNeedsAll = false
        }
        if all || analysisNeedsAll { return TopologyDelta(clusters: nil, snapshot: snapshot()) }
        let graph = self.graph
        let clusters = Set(analysisTouched.compactMap { graph.nodes[$0]?.clusterName ?? records[$0]?.quarantine?.clusterName })
        var part: [InstanceKey: InstanceRecord] = [:]
        for cluster in clusters {
            for key in graph.members(of: cluster) + (graph.quarantinedByCluster[cluster] ?? []) { part[key] = records[key] }
        }
        return TopologyDelta(clusters: clusters,
                             snapshot: TopologySnapshot(records: part, graph: graph, aliases: aliases, pluginClusterAliases: pluginClusterAliases))
    }

    // MARK: Joining

    /// Whether a candidate is worth probing now (not known, not recently rejected).
    package func shouldDiscover(_ key: InstanceKey) -> Bool {
        guard records[canonical(key)] == nil else { return false }
        if let until = rejectedUntil[key], until > now() { return false }
        return true
    }

    /// Takes in the first probe of `key`, if it qualifies under `admission`.
    package func admit(_ key: InstanceKey, probe: InstanceProbe, latency: Double, as admission: Admission,
                      annotation: InstanceAnnotation? = nil) -> AdmitResult {
        if let known = records[canonical(key)] { return .alias(of: known.key) }
        if let twin = records.values.first(where: { $0.probe?.fingerprint == probe.fingerprint }) {
            // Bounded: spellings come from what servers report, and each costs a lookup entry.
            if aliases.count(where: { $0.value == twin.key }) < Self.maxAliasesPerInstance {
                aliases[key] = twin.key
                graphChanged()
                attachStandbys()
            }
            return .alias(of: twin.key)
        }
        switch admission {
        case .anything:
            break
        case .upstreamOf(let systemIdentifier):
            guard probe.systemIdentifier == systemIdentifier else {
                return reject(key, "belongs to another cluster (system identifier \(probe.systemIdentifier))")
            }
        case .downstreamOf(let parent, let systemIdentifier, _):
            guard probe.systemIdentifier == systemIdentifier, !probe.isPrimary,
                  let up = probe.upstream(defaultPort: defaultPort), canonical(up) == parent else {
                return reject(key, "is not a standby streaming from \(parent)")
            }
        }
        var record = InstanceRecord(key: key, firstSeen: now())
        record.annotation = annotation
        record.admittedSystemIdentifier = probe.systemIdentifier
        apply(probe, latency: latency, to: &record)
        record.lastUpstream = attachedUpstream(key, probe)
        records[key] = record
        graphChanged()
        attachStandbys()
        proveStandbys(of: key)
        if let up = graph.nodes[key]?.upstream { proveStandbys(of: up) }
        noteRoleChange(record)
        dirty.insert(key)
        rejectedUntil[key] = nil
        return .added(key)
    }

    /// How many candidates are held back now (tests: the map is bounded).
    var rejectedCount: Int { rejectedUntil.count }

    /// Other spellings remembered per instance; more are recognised again by probing.
    static let maxAliasesPerInstance = 16

    /// Drops refusals whose time is up: candidates come from what monitored servers report
    /// (any `application_name`), so the map must not grow with every name ever seen.
    package func pruneExpired() {
        let at = now()
        rejectedUntil = rejectedUntil.filter { $0.value > at }
    }

    /// Remembers that a candidate did not answer, so the crawl does not retry it at every
    /// poll; it may just be slow or restarting, so it is tried again after a few seconds.
    package func candidateUnreachable(_ key: InstanceKey) {
        rejectedUntil[key] = now().addingTimeInterval(5)
    }

    /// A discovery plugin said to ignore the candidate: not asked again for a minute.
    package func ignore(_ key: InstanceKey) {
        rejectedUntil[key] = now().addingTimeInterval(60)
    }

    /// Sets the aliases the cluster-name policy gave (cluster name → alias), all at once.
    package func setPluginClusterAliases(_ aliases: [String: String]) {
        pluginClusterAliases = aliases
    }

    private func reject(_ key: InstanceKey, _ reason: String) -> AdmitResult {
        rejectedUntil[key] = now().addingTimeInterval(60)
        return .rejected("\(key) \(reason)")
    }

    // MARK: Polling

    /// A successful poll. Returns the neighbours to discover.
    package func recordSuccess(_ key: InstanceKey, probe: InstanceProbe, latency: Double) -> [Action] {
        guard var record = records[key] else { return [] }
        let roleChanged = record.probe?.isPrimary != probe.isPrimary
        var linksChanged = record.probe?.upstream(defaultPort: defaultPort) != probe.upstream(defaultPort: defaultPort)
            || record.probe?.replicas.count != probe.replicas.count || !record.lastCheckValid
        var material = roleChanged || linksChanged || record.probe?.timeline != probe.timeline
            || record.probe?.settings != probe.settings || record.probe?.fingerprint != probe.fingerprint
        // Records saved before admission was remembered: the history they were probed with.
        let admitted = record.admittedSystemIdentifier ?? record.probe?.systemIdentifier ?? probe.systemIdentifier
        if record.admittedSystemIdentifier == nil { record.admittedSystemIdentifier = admitted }
        if record.quarantine == nil, probe.systemIdentifier != admitted {
            // Another server answers at this address (or one re-initialised from another
            // cluster). A role change is a failover or a switchover; a new history is not.
            record.quarantine = .init(
                reason: "system identifier changed from \(admitted) to \(probe.systemIdentifier) since it was admitted",
                since: now(), clusterName: graph.nodes[key]?.clusterName ?? key.description)
            linksChanged = true
            material = true
        }
        let urgent = material || record.probe?.walReceiver?.status != probe.walReceiver?.status
            || record.probe?.replayPaused != probe.replayPaused
        apply(probe, latency: latency, to: &record)
        analysisTouched.insert(key)
        if record.quarantine == nil {
            // Kept when it becomes a primary or loses its upstream: where it came from.
            if let attached = attachedUpstream(key, probe), attached != record.lastUpstream {
                record.lastUpstream = attached
                linksChanged = true
            }
        }
        records[key] = record
        markDirty(key, material: material)
        if roleChanged || linksChanged { graphChanged() }
        if roleChanged { noteRoleChange(record) }
        let analyse: [Action] = urgent || linksChanged ? [.analyse] : []
        // A quarantined instance's links are not followed: it is not trusted as a witness.
        guard record.quarantine == nil else { return analyse }
        proveStandbys(of: key)
        return neighboursToDiscover(key, probe) + analyse
    }

    /// Records, for each standby under `upstream` in the graph, that `upstream`'s last probe
    /// saw it connected (see `StreamMatcher`, `InstanceRecord.streamedFrom`).
    private func proveStandbys(of upstream: InstanceKey) {
        guard let record = records[upstream], record.quarantine == nil, record.lastCheckValid,
              let rows = record.probe?.replicas, !rows.isEmpty,
              let downstream = graph.nodes[upstream]?.downstream, !downstream.isEmpty else { return }
        let at = now()
        for key in StreamMatcher.proven(downstream, in: records, rows: rows) {
            let moved = records[key]?.streamedFrom?.upstream != upstream
            records[key]?.streamedFrom = .init(upstream: upstream, at: at)
            markDirty(key, material: moved)
        }
    }

    /// The neighbours of a known instance to discover, from its last probe (used right after
    /// it was admitted, whose probe is already applied).
    package func neighboursToDiscover(_ key: InstanceKey) -> [Action] {
        guard let probe = records[key]?.probe else { return [] }
        return neighboursToDiscover(key, probe)
    }

    /// A failed poll. The first failure after a valid check asks for an immediate re-probe of
    /// the instance's neighbours: their view decides whether it is really dead.
    package func recordFailure(_ key: InstanceKey, error: String, latency: Double) -> [Action] {
        guard var record = records[key] else { return [] }
        let wasValid = record.lastCheckValid
        record.lastChecked = now()
        record.lastCheckValid = false
        record.consecutiveFailures += 1
        record.lastError = error
        record.lastLatency = latency
        records[key] = record
        analysisTouched.insert(key)
        markDirty(key, material: wasValid)
        guard wasValid else { return [] }
        let neighbours = graph.nodes[key].map { [$0.upstream].compactMap { $0 } + $0.downstream } ?? []
        return neighbours.map { .reprobe($0) } + [.analyse]
    }

    private func markDirty(_ key: InstanceKey, material: Bool) {
        if material || savedAt[key].map({ now().timeIntervalSince($0) >= resaveInterval }) ?? true {
            dirty.insert(key)
        }
    }

    private func apply(_ probe: InstanceProbe, latency: Double, to record: inout InstanceRecord) {
        let at = now()
        record.probe = probe
        record.lastChecked = at
        record.lastSeen = at
        record.lastCheckValid = true
        record.consecutiveFailures = 0
        record.lastError = nil
        record.lastLatency = latency
    }

    /// The known instance of the same history that `probe`'s configured upstream names, if
    /// any: what `lastUpstream` keeps.
    private func attachedUpstream(_ key: InstanceKey, _ probe: InstanceProbe) -> InstanceKey? {
        guard let up = probe.upstream(defaultPort: defaultPort).map(canonical), records[up]?.quarantine == nil else { return nil }
        return TopologyGraph.knownUpstream(of: key, up, systemIdentifier: probe.systemIdentifier, in: records)
    }

    /// Records the upstream of every standby whose configured upstream names a known
    /// instance now, at once when that instance joins (or gets another spelling), not at the
    /// standby's next probe: a `primary_conninfo` broken in between would otherwise leave it
    /// with no upstream to stay under.
    private func attachStandbys() {
        for (key, record) in records where record.quarantine == nil {
            guard let probe = record.probe, let attached = attachedUpstream(key, probe), attached != record.lastUpstream else { continue }
            records[key]?.lastUpstream = attached
            dirty.insert(key)
        }
    }

    private func neighboursToDiscover(_ key: InstanceKey, _ probe: InstanceProbe) -> [Action] {
        var actions: [Action] = []
        if let up = probe.upstream(defaultPort: defaultPort), shouldDiscover(up) {
            reserve(up)
            actions.append(.discover(up, .upstreamOf(systemIdentifier: probe.systemIdentifier)))
        }
        let known = graph.nodes[key]?.downstream.compactMap { records[$0] } ?? []
        for row in unmatchedRows(probe.replicas, known: known) {
            for candidate in candidates(for: row) where shouldDiscover(candidate) {
                reserve(candidate)
                actions.append(.discover(candidate, .downstreamOf(key, systemIdentifier: probe.systemIdentifier,
                                                                  clientAddress: row.clientAddress)))
            }
        }
        return actions
    }

    /// Where a standby seen only as a `pg_stat_replication` row may listen: the `host:port` its
    /// `application_name` advertises, if it has that form (the one way a standby on another
    /// port can be found from its primary), and its address at `DefaultInstancePort`. Each
    /// guess must still pass the `downstreamOf` admission.
    private func candidates(for row: InstanceProbe.ReplicationRow) -> [InstanceKey] {
        var keys: [InstanceKey] = []
        if row.applicationName.contains(":"), let advertised = InstanceKey(parsing: row.applicationName, defaultPort: defaultPort) {
            keys.append(advertised)
        }
        if let host = row.clientHostname ?? row.clientAddress, !host.isEmpty, let key = InstanceKey(reportedHost: host, port: defaultPort) {
            keys.append(key)
        }
        return keys
    }

    /// A discovery of `key` is on its way: later probes must not ask for it again meanwhile.
    /// Its outcome (admitted, rejected, unreachable) replaces this.
    private func reserve(_ key: InstanceKey) {
        rejectedUntil[key] = now().addingTimeInterval(30)
    }

    /// `pg_stat_replication` rows not explained by a known standby of this server, matched by
    /// the `application_name` each known standby's WAL receiver uses.
    private func unmatchedRows(_ rows: [InstanceProbe.ReplicationRow], known: [InstanceRecord]) -> [InstanceProbe.ReplicationRow] {
        var names = known.compactMap { $0.probe?.walReceiverApplicationName }
        return rows.filter { row in
            if let i = names.firstIndex(of: row.applicationName) {
                names.remove(at: i)
                return false
            }
            return true
        }
    }

    private func noteRoleChange(_ record: InstanceRecord) {
        guard let probe = record.probe else { return }
        let cluster = graph.nodes[record.key]?.clusterName ?? record.key.description
        roleChanges.append(RoleChange(key: record.key, clusterName: cluster, role: probe.isPrimary ? "primary" : "standby", at: now()))
    }

    // MARK: Forgetting and persistence

    /// Drops an instance (and the spellings that led to it). True if it was known.
    @discardableResult
    package func forget(_ key: InstanceKey) -> Bool {
        let key = canonical(key)
        guard records.removeValue(forKey: key) != nil else { return false }
        aliases = aliases.filter { $0.value != key }
        dirty.remove(key)
        removed.insert(key)
        graphChanged()
        return true
    }

    /// Drops every instance of a cluster; returns them.
    package func forgetCluster(_ name: String) -> [InstanceKey] {
        let members = graph.members(of: name)
        for key in members { forget(key) }
        return members
    }

    /// Forgets instances not seen for `hours` (`UnseenInstanceForgetHours`).
    package func forgetUnseen(olderThan hours: Int) -> [InstanceKey] {
        let limit = now().addingTimeInterval(-Double(hours) * 3600)
        let stale = records.values.filter { ($0.lastSeen ?? $0.firstSeen) < limit }.map(\.key)
        for key in stale { forget(key) }
        return stale
    }

    /// Changes the store failed to write (or whose write was cancelled): saved next time.
    package func giveBack(_ changed: [InstanceRecord], removed gone: [InstanceKey], roleChanges roles: [RoleChange]) {
        for record in changed where records[record.key] != nil {
            dirty.insert(record.key)
            savedAt[record.key] = nil
        }
        for key in gone where records[key] == nil { removed.insert(key) }
        roleChanges = roles + roleChanges
    }

    /// What to write to the store: changed records, removed keys, role changes; clears them.
    package func takeChanges() -> (changed: [InstanceRecord], removed: [InstanceKey], roleChanges: [RoleChange]) {
        let changed = dirty.compactMap { records[$0] }
        let at = now()
        for record in changed { savedAt[record.key] = at }
        for key in removed { savedAt[key] = nil }
        let gone = Array(removed)
        let roles = roleChanges
        dirty = []
        removed = []
        roleChanges = []
        return (changed, gone, roles)
    }
}

/// An immutable view of the topology at one moment, for the API, analysis and recovery.
/// What the analyzer re-reads: the clusters whose facts changed (nil: all), and a snapshot
/// holding at least their records (and the instances quarantined under them).
package struct TopologyDelta: Sendable {
    package var clusters: Set<String>?
    package var snapshot: TopologySnapshot
}

package struct TopologySnapshot: Sendable {
    package let records: [InstanceKey: InstanceRecord]
    package let graph: TopologyGraph
    package let aliases: [InstanceKey: InstanceKey]
    /// Cluster name → alias given by a cluster-name plugin.
    package var pluginClusterAliases: [String: String] = [:]

    package func canonical(_ key: InstanceKey) -> InstanceKey { aliases[key] ?? key }
}

package import HookAPI
import Foundation
package import Logging
import Synchronization

/// The plugin host: one registry of built-in, Lua and drop-in plugins, one order, one
/// dispatcher, and the per-point semantics documented on `HookPoint`.
///
/// Entry points: `run(_:event:)` for the recovery coordinator (`RecoveryPluginDispatch`),
/// `annotate(discovery:)` for discovery (`TopologyPluginDispatch`), `clusterName(for:)` for the
/// cluster-name policy, `review(analysis:)` for the analyzer, `reload()` for SIGHUP and
/// `/api/reload-configuration`, `status()` for `/api/plugins`. Every plugin failure is
/// contained, logged and reported; no call here throws.
package final class PluginHost: RecoveryPluginDispatch, TopologyPluginDispatch, Sendable {
    private struct State {
        var registry = PluginRegistry()
        var settings: Configuration.Plugins
        var services: PluginServices
        var generation = 0
        var loadedAt: Date?
        var lastResults: [String: PluginStatus.LastResult] = [:]
    }

    private let builtins: [any Plugin]
    private let rereadSettings: (@Sendable () throws -> Configuration.Plugins)?
    private let state: Mutex<State>
    private let reloads = AsyncLimiter(1)
    private let logger: Logger

    /// Nothing is loaded until `reload()`.
    /// - Parameters:
    ///   - builtins: compiled-in plugins, dispatched first, in this order.
    ///   - settings: `LuaScripts`, `HookDirectories`, `PluginTimeoutSeconds` at start.
    ///   - rereadSettings: reads them again at each `reload()` (the daemon re-reads its config
    ///     file); nil keeps `settings` and only re-reads the scripts and directories.
    package init(builtins: [any Plugin] = [], settings: Configuration.Plugins, services: PluginServices, logger: Logger,
                rereadSettings: (@Sendable () throws -> Configuration.Plugins)? = nil) {
        self.builtins = builtins
        self.rereadSettings = rereadSettings
        self.logger = logger
        state = Mutex(State(settings: settings, services: services))
    }

    /// Lets Lua's `orc.topology()` and `orc.instance()` read `topology` from the next load on
    /// (the topology service is created after the host, since it calls the host itself).
    package func attach(topology: TopologyState) {
        state.withLock { $0.services.topology = { await topology.snapshot() } }
    }

    // MARK: Loading

    /// (Re)loads every plugin: re-reads the settings, the Lua files and the directories, then
    /// swaps the registry in one step (calls in flight finish with the plugins they started
    /// with). Returns the warnings; also logged. Concurrent reloads run one after the other.
    @discardableResult
    package func reload() async -> PluginStatus {
        await reloads.acquire()
        defer { reloads.release() }
        let services = state.withLock { $0.services }
        var settings = state.withLock { $0.settings }
        var warnings: [String] = []
        if let rereadSettings {
            do {
                settings = try rereadSettings()
            } catch {
                warnings.append("configuration not re-read, plugins reloaded with the previous settings: \(error)")
            }
        }
        var registry = await PluginRegistry.load(builtins: builtins, settings: settings, services: services)
        registry.warnings = warnings + registry.warnings
        let generation = state.withLock { s in
            s.registry = registry
            s.settings = settings
            s.generation += 1
            s.loadedAt = Date()
            s.lastResults = s.lastResults.filter { name, _ in registry.entries.contains { $0.plugin.name == name } }
            return s.generation
        }
        for warning in registry.warnings { logger.warning("plugins: \(warning)") }
        logger.notice("plugins loaded (generation \(generation)): \(registry.entries.map(\.plugin.name).joined(separator: ", "))")
        return status()
    }

    /// Increases at every reload (the cluster-name policy asks again after one).
    package var generation: Int { state.withLock { $0.generation } }

    package func status() -> PluginStatus {
        state.withLock { s in
            PluginStatus(
                generation: s.generation, loadedAt: s.loadedAt, timeoutSeconds: s.settings.timeoutSeconds,
                plugins: s.registry.entries.map { entry in
                    let points = HookPoint.allCases.filter { entry.plugin.points.contains($0) }
                    return PluginStatus.Plugin(
                        name: entry.plugin.name, kind: entry.kind.rawValue, source: entry.source,
                        points: points.map(\.snakeCaseName),
                        criticalPoints: points.filter { $0.isPreRecovery && entry.plugin.isCritical(at: $0) }.map(\.snakeCaseName),
                        lastResult: s.lastResults[entry.plugin.name])
                },
                disabled: s.registry.disabled,
                warnings: s.registry.warnings)
        }
    }

    // MARK: Dispatch

    /// The recovery points. Pre points stop at the first veto (or failure of a critical
    /// plugin, reported as a veto); `demote` stops at the first failure or veto (both mean
    /// the demotion failed); post points run every plugin and only record.
    package func run(_ point: HookPoint, event: RecoveryEvent) async -> PluginPointOutcome {
        var outcome = PluginPointOutcome()
        for entry in entries(for: point) {
            outcome.handled = true
            let run = await call(entry, .recovery(point, event))
            outcome.steps.append(run.step)
            if let failure = run.failure {
                outcome.failed = true
                if point.isPreRecovery, run.critical {
                    outcome.veto = "\(run.name) failed and is critical: \(failure)"
                    break
                }
                if point == .demote { break }
            } else if case .veto(let reason) = run.answer {
                if point.isPreRecovery || point == .demote {
                    outcome.veto = "\(run.name): \(reason)"
                    outcome.failed = outcome.failed || point == .demote
                    break
                }
                outcome.steps.append("plugin \(run.name): a veto at \(point.snakeCaseName) changes nothing (the recovery is over); ignored")
            }
        }
        return outcome
    }

    /// `discovery`: `.proceed`, `.annotate(merged annotations)` or `.ignore(reason)` (the
    /// first ignore ends the chain). Failures count as proceed.
    package func annotate(discovery event: DiscoveryEvent) async -> PluginAnswer {
        var merged: InstanceAnnotation?
        for entry in entries(for: .discovery) {
            let run = await call(entry, .discovery(event))
            switch run.answer {
            case .ignore(let reason): return .ignore(reason: "\(run.name): \(reason)")
            case .annotate(let annotation): merged = (merged ?? InstanceAnnotation()).merged(with: annotation)
            default: break
            }
        }
        return merged.map { .annotate($0) } ?? .proceed
    }

    /// `clusterName`: the alias the first plugin in order gives, or nil.
    package func clusterName(for event: ClusterNameEvent) async -> String? {
        await nameCluster(event).alias
    }

    /// As `clusterName(for:)`, also saying whether a plugin failed without any giving an
    /// alias (then the previous alias should be kept, not cleared).
    func nameCluster(_ event: ClusterNameEvent) async -> (alias: String?, failed: Bool) {
        var failed = false
        for entry in entries(for: .clusterName) {
            let run = await call(entry, .clusterName(event))
            if run.failure != nil { failed = true }
            if case .alias(let alias) = run.answer { return (alias, false) }
        }
        return (nil, failed)
    }

    /// `analysis`: `.proceed` (keep), `.suppress(reason)` (the first suppress ends the chain)
    /// or `.raise(code, reason)` (the last raise; later plugins see the raised code).
    /// Failures keep the entry as it was.
    package func review(analysis event: AnalysisEvent) async -> PluginAnswer {
        var current = event
        var raised: PluginAnswer?
        for entry in entries(for: .analysis) {
            let run = await call(entry, .analysis(current))
            switch run.answer {
            case .suppress(let reason): return .suppress(reason: "\(run.name): \(reason)")
            case .raise(let code, let reason):
                current.code = code
                raised = .raise(code: code, reason: "\(run.name): \(reason)")
            default: break
            }
        }
        return raised ?? .proceed
    }

    private func entries(for point: HookPoint) -> [PluginRegistry.Entry] {
        state.withLock { $0.registry.plugins(for: point) }
    }

    private func call(_ entry: PluginRegistry.Entry, _ event: PluginEvent) async -> PluginRun {
        let timeout = state.withLock { Duration.seconds($0.settings.timeoutSeconds) }
        // A second of grace: Lua and executables stop themselves at `timeout` and report why.
        let run = await PluginRun.call(entry.plugin, event, timeout: entry.kind == .builtin ? timeout : timeout + .seconds(1))
        // A Lua plugin stops itself at its deadline; one the host had to give up on is stuck
        // where Lua cannot stop it. It is written off (its thread abandoned) until the next
        // reload, so later events do not queue behind it.
        let writtenOff = run.timedOut && entry.kind == .lua
        state.withLock { s in
            s.lastResults[run.name] = PluginStatus.LastResult(point: run.point.snakeCaseName, at: run.at, milliseconds: run.milliseconds,
                                                              answer: run.answer?.summary, error: run.failure)
            if writtenOff, let index = s.registry.entries.firstIndex(where: { $0.plugin.name == run.name }) {
                s.registry.entries.remove(at: index)
                s.registry.disabled.append(PluginStatus.Disabled(
                    source: entry.source ?? run.name,
                    reason: "written off: a call at \(run.point.snakeCaseName) did not end within \(timeout); disabled until the next reload"))
            }
        }
        if writtenOff { logger.error("plugin \(run.name) written off: a call did not end at its deadline; disabled until the next reload") }
        switch run.answer {
        case nil: logger.warning("\(run.step)")
        case .proceed?: logger.debug("\(run.step)")
        default: logger.info("\(run.step)")
        }
        return run
    }
}

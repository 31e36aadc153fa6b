import Foundation
import PGClient
import PGTestKit
import HookAPI
import Host
import Logging
import Synchronization
import Testing

/// A scratch directory for plugin files, removed by `remove()`.
struct PluginScratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` at `relative` (directories created); executable if asked.
    @discardableResult
    func write(_ relative: String, _ contents: String, executable: Bool = false) throws -> String {
        let file = (path as NSString).appendingPathComponent(relative)
        try ScriptFile.write(contents, to: file, executable: executable)
        return file
    }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: (path as NSString).appendingPathComponent(relative), encoding: .utf8)) ?? ""
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The repository's `plugins/` directory (the examples users copy).
let examplesDirectory = repositoryRoot.appendingPathComponent("plugins").path

let quietLogger: Logger = {
    var logger = Logger(label: "plugin-tests")
    logger.logLevel = .critical
    return logger
}()

struct UnusedService: Error, CustomStringConvertible {
    var description: String { "not available in this test" }
}

/// Services for tests: no topology, no servers; SQL answered by the closure given, and
/// `functions` added to the Lua API as a compiled-in plugin would.
func testServices(
    configuration: Configuration = Configuration(), environment: [String: String] = ProcessInfo.processInfo.environment,
    sql: @escaping @Sendable (InstanceKey, String, [String?], Duration) async throws -> PGResult = { _, _, _, _ in throw UnusedService() },
    functions: [LuaAPIFunction] = []
) -> PluginServices {
    PluginServices(configuration: configuration, logger: quietLogger, environment: environment, topology: { nil },
                   sql: sql, functions: functions)
}

func pluginSettings(lua: [String] = [], directories: [String] = [], timeoutSeconds: Int = 5) -> Configuration.Plugins {
    var settings = Configuration.Plugins()
    settings.luaScripts = lua
    settings.hookDirectories = directories
    settings.timeoutSeconds = timeoutSeconds
    return settings
}

/// A loaded host.
func loadedHost(builtins: [any Plugin] = [], _ settings: Configuration.Plugins, services: PluginServices = testServices()) async -> PluginHost {
    let host = PluginHost(builtins: builtins, settings: settings, services: services, logger: quietLogger)
    await host.reload()
    return host
}

/// A Swift plugin answering with a closure, recording the events it saw.
struct ClosurePlugin: Plugin {
    let name: String
    let points: Set<HookPoint>
    var critical = false
    let seen = Recorder<PluginEvent>()
    let body: @Sendable (PluginEvent) async throws -> PluginAnswer

    init(_ name: String, _ points: Set<HookPoint>, critical: Bool = false, _ body: @escaping @Sendable (PluginEvent) async throws -> PluginAnswer = { _ in .proceed }) {
        self.name = name
        self.points = points
        self.critical = critical
        self.body = body
    }

    func isCritical(at point: HookPoint) -> Bool { critical }

    func handle(_ event: PluginEvent) async throws -> PluginAnswer {
        seen.append(event)
        return try await body(event)
    }
}

final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])
    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var elements: [Element] { storage.withLock { $0 } }
}

struct PluginTestFailure: Error, CustomStringConvertible {
    let description: String
}

func recoveryEvent(candidate: InstanceAddress? = nil, successor: InstanceAddress? = nil, failedLSN: LSN? = LSN("0/3000060"),
                   candidateLSN: LSN? = nil, successorLSN: LSN? = nil) -> RecoveryEvent {
    RecoveryEvent(recoveryUID: "rec-1", failureType: "DeadPrimary", failureDescription: "primary unreachable",
                  failed: InstanceAddress(host: "10.0.0.1", port: 5432), clusterName: "10.0.0.1:5432", clusterAlias: "payments",
                  clusterSystemIdentifier: "7300000000000000001", failedLSN: failedLSN,
                  replicas: [InstanceAddress(host: "10.0.0.2", port: 5432), InstanceAddress(host: "10.0.0.3", port: 5432)],
                  orchestratorHost: "orc1", candidate: candidate, candidateLSN: candidateLSN, successor: successor,
                  successorLSN: successorLSN)
}

/// Polls `condition` until it holds or `timeout` passes; the result of the last check.
func eventually(_ timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return true
}

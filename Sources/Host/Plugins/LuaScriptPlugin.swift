import Foundation
import HookAPI

/// A Lua script as a plugin: its own `LuaRuntime` (own thread, own memory limit), so one
/// script's endless loop delays nobody else. Each call runs under the instruction budget and
/// a deadline of `PluginTimeoutSeconds`. After a reload the old state is freed when the last
/// call still using it has returned.
final class LuaScriptPlugin: Plugin {
    let name: String
    let points: Set<HookPoint>
    private let critical: Set<HookPoint>
    private let runtime: LuaRuntime
    private let limits: LuaLimits

    private init(name: String, points: Set<HookPoint>, critical: Set<HookPoint>, runtime: LuaRuntime, limits: LuaLimits) {
        self.name = name
        self.points = points
        self.critical = critical
        self.runtime = runtime
        self.limits = limits
    }

    /// Loads `path` and collects the points it registered with `orc.on`. For a drop-in file,
    /// `point` is its directory's point: only that one is kept (others go to `warnings`).
    /// `checked` is the file as `PluginFileTrust` accepted it; it is read again through that
    /// check (nil reads `path` as it is, bounded).
    static func load(path: String, checked: PluginFileTrust.Checked? = nil, point: HookPoint? = nil, services: PluginServices,
                     timeout: Duration, instructionBudget: Int? = LuaLimits.default.instructionBudget)
        async throws(LuaError) -> (LuaScriptPlugin, warnings: [String]) {
        let limits = LuaLimits(instructionBudget: instructionBudget, timeout: timeout)
        let runtime = try LuaRuntime(name: URL(fileURLWithPath: path).lastPathComponent, limits: limits)
        try await LuaPluginAPI(services: services, pluginName: path, timeout: timeout).register(on: runtime)
        if let checked {
            let source: Data
            do throws(PluginFileTrust.Refusal) {
                source = try PluginFileTrust.read(checked, limit: LuaSourceFile.limit)
            } catch {
                throw LuaError(.file, message: error.description, file: path)
            }
            try await runtime.execute(source: source, file: path)
        } else {
            try await runtime.execute(file: path)
        }
        var warnings: [String] = []
        if let point {
            let dropped = try await runtime.call("orc._adopt", [.string(point.snakeCaseName)]).first?.tableValue?.array ?? []
            for other in dropped.compactMap(\.stringValue) {
                warnings.append("\(path): handler for \(other) ignored; a file in a \(point.snakeCaseName) directory serves only that point")
            }
        }
        var points: Set<HookPoint> = []
        var critical: Set<HookPoint> = []
        for entry in try await runtime.call("orc._registered").first?.tableValue?.array ?? [] {
            guard let name = entry["point"].stringValue, let registered = HookPoint(pluginName: name) else { continue }
            points.insert(registered)
            if entry["critical"] == .bool(true) { critical.insert(registered) }
        }
        if points.isEmpty {
            warnings.append("\(path): registers no handler (call orc.on(\"post_failover\", function(event) ... end))")
        }
        return (LuaScriptPlugin(name: path, points: points, critical: critical, runtime: runtime, limits: limits), warnings)
    }

    func isCritical(at point: HookPoint) -> Bool { critical.contains(point) }

    func handle(_ event: PluginEvent) async throws -> PluginAnswer {
        let results = try await runtime.call("orc._dispatch", [.string(event.point.snakeCaseName), PluginJSON.luaValue(event)], limits: limits)
        return try PluginAnswerDecoder.decode(results.first ?? .nil, at: event.point)
    }
}

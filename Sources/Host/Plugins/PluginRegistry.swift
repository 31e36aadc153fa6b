import HookAPI

/// The plugins loaded by one (re)load, in dispatch order, and what was skipped.
struct PluginRegistry: Sendable {
    enum Kind: String, Sendable, Encodable {
        case builtin
        case lua
        case executable
    }

    struct Entry: Sendable {
        let plugin: any Plugin
        let kind: Kind
        /// The file it came from; nil for a built-in.
        let source: String?
    }

    var entries: [Entry] = []
    /// Files not run: refused by `PluginFileTrust`, or written off at load.
    var disabled: [PluginStatus.Disabled] = []
    var warnings: [String] = []

    /// How much longer than `PluginTimeoutSeconds` a script's top level may take before it
    /// is written off (Lua stops itself at the timeout; this catches what cannot).
    static let loadGrace = Duration.seconds(2)

    /// The plugins for `point`, in order.
    func plugins(for point: HookPoint) -> [Entry] {
        entries.filter { $0.plugin.points.contains(point) }
    }

    /// Loads, in the one documented order: built-ins as given, then `LuaScripts` in list
    /// order, then `HookDirectories` entries by directory, point and file name. A file that
    /// fails to load is skipped with a warning; a name seen twice is loaded once.
    static func load(builtins: [any Plugin], settings: Configuration.Plugins, services: PluginServices) async -> PluginRegistry {
        var registry = PluginRegistry()
        let timeout = Duration.seconds(settings.timeoutSeconds)
        for builtin in builtins {
            registry.add(Entry(plugin: builtin, kind: .builtin, source: nil))
        }
        for path in settings.luaScripts {
            do throws(PluginFileTrust.Refusal) {
                let checked = try PluginFileTrust.check(path)
                await registry.addLua(path: path, checked: checked, point: nil, services: services, timeout: timeout)
            } catch {
                registry.disabled.append(PluginStatus.Disabled(source: path, reason: "refused: \(error.description)"))
            }
        }
        let scan = HookDirectoryScan(directories: settings.hookDirectories)
        registry.warnings += scan.warnings
        registry.disabled += scan.refused
        for entry in scan.entries {
            switch entry.kind {
            case .lua:
                await registry.addLua(path: entry.path, checked: entry.checked, point: entry.point, services: services, timeout: timeout)
            case .executable:
                let plugin = ExecutablePlugin(name: entry.path, point: entry.point, path: entry.path, checked: entry.checked,
                                              environment: services.environment, timeout: timeout)
                registry.add(Entry(plugin: plugin, kind: .executable, source: entry.path))
            }
        }
        for refusal in registry.disabled { registry.warnings.append("\(refusal.source): \(refusal.reason)") }
        return registry
    }

    /// Loads a script under a host-side deadline: a top level still running `loadGrace`
    /// after its own timeout (stuck where Lua cannot stop it) is written off, its thread
    /// abandoned, so neither the daemon's start nor a reload waits for it.
    private mutating func addLua(path: String, checked: PluginFileTrust.Checked, point: HookPoint?, services: PluginServices,
                                 timeout: Duration) async {
        let loaded = await AbandonAfter.race(timeout + Self.loadGrace) { () async -> Result<(LuaScriptPlugin, [String]), LuaError> in
            do throws(LuaError) {
                let (plugin, warnings) = try await LuaScriptPlugin.load(path: path, checked: checked, point: point, services: services,
                                                                        timeout: timeout)
                return .success((plugin, warnings))
            } catch {
                return .failure(error)
            }
        }
        switch loaded {
        case .success(let (plugin, warnings))?:
            self.warnings += warnings
            add(Entry(plugin: plugin, kind: .lua, source: path))
        case .failure(let error)?:
            warnings.append("\(path): not loaded: \(error)")
        case nil:
            disabled.append(PluginStatus.Disabled(
                source: path, reason: "written off: its top level did not finish within \(timeout + Self.loadGrace); not loaded"))
        }
    }

    private mutating func add(_ entry: Entry) {
        guard !entries.contains(where: { $0.plugin.name == entry.plugin.name }) else {
            warnings.append("plugin \(entry.plugin.name) is listed twice; loaded once")
            return
        }
        entries.append(entry)
    }
}

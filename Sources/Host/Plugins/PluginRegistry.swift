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
    var warnings: [String] = []

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
            await registry.addLua(path: path, point: nil, services: services, timeout: timeout)
        }
        let scan = HookDirectoryScan(directories: settings.hookDirectories)
        registry.warnings += scan.warnings
        for entry in scan.entries {
            switch entry.kind {
            case .lua:
                await registry.addLua(path: entry.path, point: entry.point, services: services, timeout: timeout)
            case .executable:
                let plugin = ExecutablePlugin(name: entry.path, point: entry.point, path: entry.path,
                                              environment: services.environment, timeout: timeout)
                registry.add(Entry(plugin: plugin, kind: .executable, source: entry.path))
            }
        }
        return registry
    }

    private mutating func addLua(path: String, point: HookPoint?, services: PluginServices, timeout: Duration) async {
        do {
            let (plugin, warnings) = try await LuaScriptPlugin.load(path: path, point: point, services: services, timeout: timeout)
            self.warnings += warnings
            add(Entry(plugin: plugin, kind: .lua, source: path))
        } catch {
            warnings.append("\(path): not loaded: \(error)")
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

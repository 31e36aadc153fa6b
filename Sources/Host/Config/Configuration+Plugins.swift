extension Configuration {
    /// Lua scripts and drop-in plugin directories.
    package struct Plugins: Sendable, Equatable {
        /// `LuaScripts`: Lua files loaded at start, in order.
        package var luaScripts: [String] = []
        /// `HookDirectories`: drop-in directories (`DIR/<point>/NN-name[.lua]`).
        package var hookDirectories: [String] = []
        /// `PluginTimeoutSeconds`: wall-clock limit of one plugin call.
        package var timeoutSeconds = 10

        package init() {}
    }
}

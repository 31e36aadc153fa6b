extension Configuration {
    /// Lua scripts and drop-in plugin directories.
    public struct Plugins: Sendable, Equatable {
        /// `LuaScripts`: Lua files loaded at start, in order.
        public var luaScripts: [String] = []
        /// `HookDirectories`: drop-in directories (`DIR/<point>/NN-name[.lua]`).
        public var hookDirectories: [String] = []
        /// `PluginTimeoutSeconds`: wall-clock limit of one plugin call.
        public var timeoutSeconds = 10

        public init() {}
    }
}

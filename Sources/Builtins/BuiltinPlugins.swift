public import HookAPI
public import Host

/// The compiled-in plugins, in dispatch order (they run before Lua scripts and drop-ins), with
/// what they add to the daemon: their config blocks and their `orc.*` functions for Lua. They
/// use only `HookAPI`, `PGClient` and Host's plugin API (`ConfigBlock`, `LuaAPIFunction`),
/// like any third-party plugin would; Host names none of them.
public enum BuiltinPlugins {
    /// The blocks the built-ins own, for `Configuration.load` and `ConfigReference.markdown`.
    public static var configBlocks: [any ConfigBlock.Type] { [ProxySQLBlock.self] }

    /// The built-ins that `configuration` enables: the ProxySQL rewire when the `ProxySQL`
    /// block lists endpoints.
    public static func all(_ configuration: Configuration) -> [any Plugin] {
        guard !configuration.proxySQL.isEmpty else { return [] }
        return [ProxySQLPlugin(endpoints: configuration.proxySQL, pluginTimeout: .seconds(configuration.plugins.timeoutSeconds))]
    }

    /// The functions the built-ins add to the Lua API: `orc.proxysql` and
    /// `orc.proxysql_endpoints` over the `ProxySQL` block.
    public static func luaFunctions(_ configuration: Configuration) -> [LuaAPIFunction] {
        ProxySQLLuaAPI(endpoints: configuration.proxySQL).functions
    }
}

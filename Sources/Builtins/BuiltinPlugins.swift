public import HookAPI
public import Host

/// The compiled-in plugins, in dispatch order (they run before Lua scripts and drop-ins).
/// They use only `HookAPI` and Host's public PostgreSQL client, like any third-party plugin
/// would.
public enum BuiltinPlugins {
    /// The built-ins that `configuration` enables: the ProxySQL rewire when the `ProxySQL`
    /// block lists endpoints.
    public static func all(_ configuration: Configuration) -> [any Plugin] {
        guard !configuration.proxySQL.isEmpty else { return [] }
        return [ProxySQLPlugin(endpoints: configuration.proxySQL, pluginTimeout: .seconds(configuration.plugins.timeoutSeconds))]
    }
}

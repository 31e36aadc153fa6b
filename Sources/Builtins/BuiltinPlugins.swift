public import HookAPI
public import Host

/// The compiled-in plugins, in dispatch order (they run before Lua scripts and drop-ins).
/// They use only `HookAPI` and Host's public PostgreSQL client, like any third-party plugin
/// would. The ProxySQL rewire plugin joins this list on its own branch.
public enum BuiltinPlugins {
    /// The built-ins that `configuration` enables; none yet.
    public static func all(_ configuration: Configuration) -> [any Plugin] {
        []
    }
}

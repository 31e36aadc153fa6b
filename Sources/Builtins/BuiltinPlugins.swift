/// The compiled-in plugins (the ProxySQL rewire first). They use only `HookAPI` and Host's
/// public PostgreSQL client, like any third-party plugin would; the plugin host that loads
/// them arrives with the plugin-host work. Empty until then, on purpose: the target exists so
/// the dependency arrows (Builtins → Host → HookAPI) are enforced by the build from day one.
public enum BuiltinPlugins {}

/// An `orc.*` function that a compiled-in plugin adds to the API of every Lua plugin, beside
/// Host's own (say, one that talks to a server the plugin knows, with its configured
/// credentials). The daemon gets them from the executable (`PluginServices.functions`), so
/// Host names none.
/// A thrown error reaches the script as a Lua error, as with Host's functions; a name must not
/// be one of Host's.
public struct LuaAPIFunction: Sendable {
    public enum Body: Sendable {
        /// Answers at once, on the script's thread.
        case immediate(@Sendable (_ arguments: [LuaValue]) throws -> LuaValue)
        /// Waits (network, processes): runs on the cooperative pool while the script's thread
        /// blocks, and is cancelled after `timeout` (`PluginTimeoutSeconds`, never past the
        /// script's own deadline).
        case waiting(@Sendable (_ arguments: [LuaValue], _ timeout: Duration) async throws -> LuaValue)
    }

    /// The dotted name scripts call, e.g. `orc.example`.
    public let name: String
    public let body: Body

    public init(_ name: String, _ body: Body) {
        self.name = name
        self.body = body
    }
}

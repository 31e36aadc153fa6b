internal import Foundation

/// One sandboxed Lua 5.4 state, confined to a dedicated thread.
///
/// Every method runs on the runtime's own thread (a custom executor), never on Swift's
/// cooperative pool, because a call may legitimately run until its deadline. Calls are
/// serialized. Each call runs under `LuaLimits` (instruction budget, deadline) and the whole
/// state under a memory limit; a script hitting a limit fails with a typed `LuaError` and the
/// runtime stays usable.
///
/// The sandbox offers `base` (without `dofile`, `loadfile`; `load` for text only;
/// `setmetatable` refusing `__gc`), `string` (without `dump`), `table`, `math`, `utf8`,
/// `coroutine` and `os.time`, `os.clock`, `os.date`, `os.difftime`.
package actor LuaRuntime {
    private let executor: ThreadExecutor
    private let state: LuaState
    /// Limits of calls that pass none.
    package nonisolated let defaultLimits: LuaLimits

    package nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Creates a state and opens the sandboxed libraries.
    /// - Parameters:
    ///   - name: names the thread (`lua:<name>`).
    ///   - memoryLimit: bytes the state may hold while scripts run (0: no limit).
    ///   - limits: per-call limits used when a call passes none.
    package init(name: String = "lua", memoryLimit: Int = 64 << 20, limits: LuaLimits = .default) throws(LuaError) {
        executor = ThreadExecutor(name: "lua:\(name)")
        state = try LuaState(memoryLimit: memoryLimit)
        defaultLimits = limits
    }

    isolated deinit {
        state.close()
        executor.shutdown()
    }

    /// Runs the file at `path` (chunk name `@path`, so errors read `path:line:`); returns what
    /// the chunk returns. Binary chunks are refused.
    @discardableResult
    /// The file must be a regular file of at most `LuaSourceFile.limit` bytes.
    package func execute(file path: String, limits: LuaLimits? = nil) throws(LuaError) -> [LuaValue] {
        let source: Data
        do throws(PluginFileTrust.Refusal) {
            source = try LuaSourceFile.read(path: path, limit: LuaSourceFile.limit)
        } catch {
            throw LuaError(.file, message: error.description, file: path)
        }
        return try execute(source: source, file: path, limits: limits)
    }

    /// Runs `source`, read from the file at `path` (chunk name `@path`).
    @discardableResult
    func execute(source: Data, file path: String, limits: LuaLimits? = nil) throws(LuaError) -> [LuaValue] {
        try state.execute(source, chunkName: "@\(path)", displayName: path, limits: limits ?? defaultLimits)
    }

    /// Runs `source`; errors are reported against `name`.
    @discardableResult
    package func execute(_ source: String, name: String = "chunk", limits: LuaLimits? = nil) throws(LuaError) -> [LuaValue] {
        try state.execute(Data(source.utf8), chunkName: "=\(name)", displayName: name, limits: limits ?? defaultLimits)
    }

    /// Calls the function at the global, possibly dotted, path `function` (`"on_failover"`,
    /// `"hooks.promote"`) and returns all its results.
    @discardableResult
    package func call(_ function: String, _ arguments: [LuaValue] = [], limits: LuaLimits? = nil) throws(LuaError) -> [LuaValue] {
        try state.call(function, arguments: arguments, limits: limits ?? defaultLimits)
    }

    /// Makes `body` callable from Lua as `name`; a dotted name (`"orc.log"`) registers into
    /// namespace tables, created when missing. `body` runs on the runtime's thread while the
    /// script waits. A thrown error becomes a Lua error (catchable with `pcall`); uncaught,
    /// the call fails with `.hostFunction` and the error as `underlying`.
    package func register(_ name: String, _ body: @escaping @Sendable ([LuaValue]) throws -> LuaValue) throws(LuaError) {
        try state.register(name) { _, arguments in [try body(arguments)] }
    }

    /// `register` for a function returning several values (or none).
    package func registerMultiple(_ name: String, _ body: @escaping @Sendable ([LuaValue]) throws -> [LuaValue]) throws(LuaError) {
        try state.register(name) { _, arguments in try body(arguments) }
    }

    /// Makes async work callable from Lua as `name`, synchronously from the script's point of
    /// view: `body` runs in a task on the cooperative pool while the runtime's thread waits.
    /// If it does not finish within `timeout` (or the remaining deadline of the Lua call, if
    /// sooner), it is cancelled and the script gets a `.deadlineExceeded` error.
    ///
    /// Deadlock rule: `body` must not call into this same runtime. The runtime is busy
    /// waiting for `body`, so such a call could only run after `body` timed out.
    package func registerBlocking(
        _ name: String, timeout: Duration = .seconds(5),
        _ body: @escaping @Sendable ([LuaValue]) async throws -> LuaValue
    ) throws(LuaError) {
        try state.register(name) { state, arguments in
            let remaining = state.remainingRunTime.map { min($0, timeout) } ?? timeout
            return [try LuaBlockingBridge.wait(for: name, timeout: remaining) { try await body(arguments) }]
        }
    }

    /// Sets the global, possibly dotted, path `name` to `value` (namespaces created when missing).
    package func setGlobal(_ name: String, _ value: LuaValue) throws(LuaError) {
        try state.setGlobal(name, value)
    }

    /// The value of the global, possibly dotted, path `name` (`.nil` when absent).
    package func global(_ name: String) throws(LuaError) -> LuaValue {
        try state.global(name)
    }

    /// Bytes currently allocated by the state.
    package var memoryUsed: Int {
        state.memoryUsed
    }

    /// Frees the state now; later calls fail with `.closed`. Deinit does it otherwise.
    package func close() {
        state.close()
    }
}

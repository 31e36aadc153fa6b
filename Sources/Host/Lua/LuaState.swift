internal import CLua
internal import CLuaShim

/// Owns one sandboxed `lua_State`. Not Sendable and never handed out: only `LuaRuntime` uses
/// it, on the runtime's own thread, one operation at a time.
final class LuaState {
    private var handle: OpaquePointer?
    /// Lua holds unretained pointers to these (trampoline upvalues): they must outlive the state.
    private var hostFunctions: [LuaHostFunction] = []
    /// What a registered function threw last during the current run, so that the Lua error it
    /// turned into can be reported with its code and underlying Swift error.
    var lastHostError: (message: String, error: any Error)?

    /// - Parameter memoryLimit: bytes the state may use while scripts run; 0 for no limit.
    init(memoryLimit: Int) throws(LuaError) {
        guard let L = clua_newstate(max(memoryLimit, 0)) else {
            throw LuaError(.outOfMemory, message: "cannot create a Lua state")
        }
        let status = clua_open_sandbox(L)
        guard status == LUA_OK else {
            let message = LuaStack.string(L, at: -1) ?? "cannot open the Lua libraries"
            clua_close(L)
            throw LuaError(status == LUA_ERRMEM ? .outOfMemory : .runtime, message: message)
        }
        handle = L
    }

    deinit {
        close()
    }

    func close() {
        guard let L = handle else { return }
        handle = nil
        clua_close(L)
        hostFunctions.removeAll()
    }

    /// The raw state, or `.closed`.
    func open() throws(LuaError) -> OpaquePointer {
        guard let handle else { throw LuaError(.closed, message: "the Lua runtime is closed") }
        return handle
    }

    var memoryUsed: Int {
        handle.map { clua_memory_used($0) } ?? 0
    }

    /// Time left before the deadline of the run in progress, if it has one.
    var remainingRunTime: Duration? {
        guard let handle else { return nil }
        let nanoseconds = clua_remaining_ns(handle)
        return nanoseconds < 0 ? nil : .nanoseconds(nanoseconds)
    }

    /// Makes `body` callable from Lua at the dotted path `path`.
    func register(_ path: String, body: @escaping LuaHostFunction.Body) throws(LuaError) {
        let L = try open()
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let function = LuaHostFunction(name: path, state: self, body: body)
        hostFunctions.append(function)
        function.push(onto: L)
        try setValue(atPath: path, L)
    }
}

internal import CLua
internal import CLuaShim

/// A Swift function callable from Lua through the C trampoline, which receives an unretained
/// pointer to this box as an upvalue; `LuaState` keeps the box alive until the state closes.
final class LuaHostFunction {
    /// Receives the converted arguments; returns the results.
    typealias Body = (LuaState, [LuaValue]) throws -> [LuaValue]

    let name: String
    private unowned let state: LuaState
    private let body: Body

    init(name: String, state: LuaState, body: @escaping Body) {
        self.name = name
        self.state = state
        self.body = body
    }

    func push(onto L: OpaquePointer) {
        clua_push_host_function(
            L,
            { L, context in
                guard let L, let context else { return 0 }
                return Unmanaged<LuaHostFunction>.fromOpaque(context).takeUnretainedValue().invoke(L)
            },
            Unmanaged.passUnretained(self).toOpaque()
        )
    }

    /// Must never raise a Lua error itself (a longjmp would skip this Swift frame): failures
    /// leave a message on the stack and return -1, and the trampoline raises once we returned.
    private func invoke(_ L: OpaquePointer) -> Int32 {
        let argumentCount = lua_gettop(L)
        do {
            var reader = LuaValueReader(L)
            var arguments: [LuaValue] = []
            arguments.reserveCapacity(Int(argumentCount))
            for index in stride(from: Int32(1), through: argumentCount, by: 1) {
                arguments.append(try reader.read(at: index))
            }
            let results = try body(state, arguments)
            lua_settop(L, argumentCount)
            guard lua_checkstack(L, Int32(clamping: results.count)) != 0 else {
                throw LuaError(.conversion, message: "\(name) returned too many results (\(results.count))")
            }
            let pusher = LuaValuePusher(L)
            for result in results {
                try pusher.push(result)
            }
            return Int32(results.count)
        } catch {
            let message = (error as? LuaError)?.message ?? String(describing: error)
            state.lastHostError = (message, error)
            lua_settop(L, 0)
            LuaStack.push(L, string: message)
            return -1
        }
    }
}

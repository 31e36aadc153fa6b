internal import Dispatch
internal import Synchronization

/// Runs async work for a registered function while Lua waits, synchronously from the
/// script's point of view.
///
/// The calling thread blocks on a semaphore. That is only acceptable because it is the
/// runtime's dedicated thread, not one of the cooperative pool's: the async work itself runs
/// on the pool and is never starved by the wait.
enum LuaBlockingBridge {
    static func wait(
        for name: String, timeout: Duration, _ operation: @escaping @Sendable () async throws -> LuaValue
    ) throws -> LuaValue {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            do {
                outcome.store(.success(try await operation()))
            } catch {
                outcome.store(.failure(error))
            }
            done.signal()
        }
        let nanoseconds = Int(clamping: max(LuaLimits.nanoseconds(timeout), 0))
        guard done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else {
            task.cancel()
            throw LuaError(.deadlineExceeded, message: "\(name) did not finish within \(timeout)")
        }
        return try outcome.take().get()
    }
}

private final class Outcome: Sendable {
    private let result = Mutex<Result<LuaValue, any Error>?>(nil)

    func store(_ value: Result<LuaValue, any Error>) {
        result.withLock { $0 = value }
    }

    func take() -> Result<LuaValue, any Error> {
        result.withLock { $0 } ?? .failure(LuaError(.runtime, message: "blocking call produced no result"))
    }
}

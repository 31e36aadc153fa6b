import Synchronization

/// Waits for work that may never end (a plugin stuck in a C call) at most a given time.
enum AbandonAfter {
    /// The value of `body`, or nil if it has not finished within `timeout`. Then `body` is
    /// cancelled and left to run out on its own: nobody waits for it any more.
    static func race<Value: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async -> Value) async -> Value? {
        await withCheckedContinuation { continuation in
            let first = FirstResult<Value?>(continuation)
            let work = Task { first.finish(await body()) }
            first.setTimer(Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                if first.finish(nil) { work.cancel() }
            })
        }
    }
}

/// Resumes the continuation once, with whichever of the work and its timer finishes first.
private final class FirstResult<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, Never>?
        var timer: Task<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        state = Mutex(State(continuation: continuation))
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { s -> Bool in
            if s.continuation == nil { return true }
            s.timer = timer
            return false
        }
        if finished { timer.cancel() }
    }

    @discardableResult
    func finish(_ result: Value) -> Bool {
        let (continuation, timer) = state.withLock { s in
            defer { s = State() }
            return (s.continuation, s.timer)
        }
        guard let continuation else { return false }
        timer?.cancel()
        continuation.resume(returning: result)
        return true
    }
}

import Foundation
import HookAPI
import Synchronization

/// One call of one plugin, contained: a throw, a bad answer or a timeout becomes a failure
/// text; nothing escapes. The host stops waiting at the timeout (and cancels the call); Lua
/// and executables also enforce it themselves, so their work really ends there.
struct PluginRun: Sendable {
    let name: String
    let point: HookPoint
    /// The answer; nil when the call failed.
    let answer: PluginAnswer?
    let failure: String?
    /// Whether the plugin declared itself critical at this point.
    let critical: Bool
    let milliseconds: Int
    let at: Date

    /// One line for the recovery's steps and the logs.
    var step: String {
        "plugin \(name) at \(point.snakeCaseName): \(failure.map { "failed: \($0)" } ?? answer?.summary ?? "continue") (\(milliseconds) ms)"
    }

    static func call(_ plugin: any Plugin, _ event: PluginEvent, timeout: Duration) async -> PluginRun {
        let started = ContinuousClock.now
        let at = Date()
        let result = await race(plugin, event, timeout: timeout)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        var answer: PluginAnswer?
        var failure: String?
        switch result {
        case .success(let given) where event.point.accepts(given): answer = given
        case .success(let given): failure = "answer '\(given.summary)' is not valid at \(event.point.snakeCaseName)"
        case .failure(let error): failure = error.message
        }
        return PluginRun(name: plugin.name, point: event.point, answer: answer, failure: failure,
                         critical: plugin.isCritical(at: event.point), milliseconds: milliseconds, at: at)
    }

    /// The plugin's answer, or a failure at `timeout`, whichever comes first.
    private static func race(_ plugin: any Plugin, _ event: PluginEvent, timeout: Duration) async -> Result<PluginAnswer, PluginError> {
        await withCheckedContinuation { continuation in
            let first = FirstResult(continuation)
            let work = Task {
                do {
                    first.finish(.success(try await plugin.handle(event)))
                } catch {
                    first.finish(.failure(PluginError(String(describing: error))))
                }
            }
            first.setTimer(Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                if first.finish(.failure(PluginError("no answer within \(timeout) (PluginTimeoutSeconds)"))) { work.cancel() }
            })
        }
    }
}

/// Resumes the continuation once, with whichever of the call and its timer finishes first.
private final class FirstResult: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<PluginAnswer, PluginError>, Never>?
        var timer: Task<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Result<PluginAnswer, PluginError>, Never>) {
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
    func finish(_ result: Result<PluginAnswer, PluginError>) -> Bool {
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

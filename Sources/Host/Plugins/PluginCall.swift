import Foundation
import HookAPI

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
    /// The host stopped waiting: the plugin did not end the call by itself at its deadline.
    var timedOut = false

    /// One line for the recovery's steps and the logs.
    var step: String {
        "plugin \(name) at \(point.snakeCaseName): \(failure.map { "failed: \($0)" } ?? answer?.summary ?? "continue") (\(milliseconds) ms)"
    }

    static func call(_ plugin: any Plugin, _ event: PluginEvent, timeout: Duration) async -> PluginRun {
        let started = ContinuousClock.now
        let at = Date()
        let (result, timedOut) = await race(plugin, event, timeout: timeout)
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
                         critical: plugin.isCritical(at: event.point), milliseconds: milliseconds, at: at, timedOut: timedOut)
    }

    /// The plugin's answer, or a failure at `timeout`, whichever comes first.
    private static func race(_ plugin: any Plugin, _ event: PluginEvent, timeout: Duration) async -> (Result<PluginAnswer, PluginError>, timedOut: Bool) {
        let result = await AbandonAfter.race(timeout) { () async -> Result<PluginAnswer, PluginError> in
            do {
                return .success(try await plugin.handle(event))
            } catch {
                return .failure(PluginError(String(describing: error)))
            }
        }
        return (result ?? .failure(PluginError("no answer within \(timeout) (PluginTimeoutSeconds)")), result == nil)
    }
}

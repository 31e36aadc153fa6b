import Foundation
import HookAPI

/// A drop-in executable (`DIR/<point>/NN-name`): started once per event with the daemon's
/// environment (passwords removed) plus the `ORC_*` variables, the event as JSON on stdin. It
/// may print a JSON answer on stdout (`{"veto": "reason"}`); nothing printed means continue.
/// When it exits, whatever it left running in its process group is killed.
///
/// Like a shell hook it is critical at `preFailover`, `preGracefulTakeover` and `demote`: a
/// non-zero exit, a crash, a timeout or an unreadable answer aborts the recovery there, as a
/// failing `PreFailoverProcesses` command does. At the timeout its process group is killed.
struct ExecutablePlugin: Plugin {
    let name: String
    let point: HookPoint
    let path: String
    /// The file as `PluginFileTrust` checked it at load; each run opens exactly that file again.
    let checked: PluginFileTrust.Checked
    let environment: [String: String]
    let timeout: Duration

    var points: Set<HookPoint> { [point] }

    func isCritical(at point: HookPoint) -> Bool { point.isPreRecovery || point == .demote }

    func handle(_ event: PluginEvent) async throws -> PluginAnswer {
        let environment = self.environment.merging(PluginEnvironment.variables(for: event)) { _, new in new }
        // Opened without following links and compared with what was checked, then executed
        // through the descriptor: a file swapped since the scan is refused, never run.
        let descriptor: Int32
        do throws(PluginFileTrust.Refusal) {
            descriptor = try PluginFileTrust.open(checked)
        } catch {
            throw PluginError("not run: \(error.description)")
        }
        defer { close(descriptor) }
        let result = try await TimedProcess.run([path], environment: environment, stdin: PluginJSON.encode(event), timeout: timeout,
                                                executableDescriptor: descriptor, killLeftovers: true)
        guard result.termination == .exited(0), !result.timedOut else {
            let errorText = Self.tail(result.stderr)
            throw PluginError("\(result.describe(timeout: timeout))" + (errorText.isEmpty ? "" : ": \(errorText)"))
        }
        let answer = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !answer.isEmpty else { return .proceed }
        do throws(PluginError) {
            return try PluginAnswerDecoder.decode(try PluginJSON.parse(Data(answer.utf8)), at: event.point)
        } catch {
            throw PluginError("bad answer on stdout (\(error.message)): \(answer.prefix(200))")
        }
    }

    /// The last lines of stderr, enough to say why, short enough for a recovery step.
    static func tail(_ text: String, limit: Int = 500) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count <= limit ? trimmed : "…" + trimmed.suffix(limit)
    }
}

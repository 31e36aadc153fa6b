public import Foundation
public import HookAPI

/// Runs Orchestrator's shell hook lists (docs/failover.md, "Shell hooks"): each command of a
/// list in order, with its `{placeholders}` substituted, through `ProcessesShellCommand -c`,
/// with the daemon's environment plus the `ORC_*` variables, in its own process group killed
/// at `HookTimeoutSeconds`. Every start and end becomes a recovery step, output included.
public struct HookRunner: Sendable {
    public struct Outcome: Sendable, Equatable {
        /// The first command that failed (non-zero exit, signal, timeout, could not start).
        public var failure: String?
        public var succeeded: Bool { failure == nil }
    }

    let shell: String
    let timeout: Duration
    let baseEnvironment: [String: String]

    /// - Parameter secrets: the configuration's passwords (`PluginEnvironment.secrets(of:)`);
    ///   variables containing one are not passed on.
    public init(_ hooks: Configuration.Hooks, secrets: [String] = [],
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.shell = hooks.shellCommand
        self.timeout = .seconds(hooks.timeoutSeconds)
        // The same filter as drop-ins and orc.run: credentials given to the daemon stay with it.
        self.baseEnvironment = PluginEnvironment.base(environment, secrets: secrets)
    }

    /// Runs `commands` (the list named `listName`) in order. With `stopOnFailure` the first
    /// failure ends the list. A command ending in `&` is started and not waited for; its
    /// result is logged as a step when it ends but never fails the list (upstream semantics).
    /// The `&` is looked for in the template, before substitution: no value can detach a hook.
    public func run(_ listName: String, _ commands: [String], event: RecoveryEvent, stopOnFailure: Bool,
                    step: @escaping @Sendable (String) async -> Void) async -> Outcome {
        var failure: String?
        let environment = baseEnvironment.merging(event.environment) { _, ours in ours }
        for (index, template) in commands.enumerated() {
            var trimmed = template.trimmingCharacters(in: .whitespaces)
            let detached = trimmed.hasSuffix("&") && !trimmed.hasSuffix("&&")
            if detached { trimmed = String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) }
            let command = event.substitutePlaceholders(in: trimmed)
            let label = "\(listName)[\(index)]"
            await step("\(label): running \(detached ? "asynchronously " : "")\(command)")
            // Returns why it failed, nil when it succeeded.
            let execution = { [shell, timeout] () async -> String? in
                let started = ContinuousClock.now
                do {
                    let result = try await TimedProcess.run([shell, "-c", command], environment: environment, timeout: timeout, killLeftovers: true)
                    let succeeded = result.termination == .exited(0) && !result.timedOut
                    await step(Self.describe(label, result, succeeded: succeeded, timeout: timeout, took: ContinuousClock.now - started))
                    return succeeded ? nil : result.describe(timeout: timeout)
                } catch {
                    await step("\(label): failed: \(error)")
                    return "\(error)"
                }
            }
            if detached {
                Task { _ = await execution() }
                continue
            }
            if let reason = await execution() {
                failure = failure ?? "\(label) (\(command)): \(reason)"
                if stopOnFailure { break }
            }
        }
        return Outcome(failure: failure)
    }

    static func describe(_ label: String, _ result: TimedProcess.Result, succeeded: Bool, timeout: Duration, took: Duration) -> String {
        let verdict = succeeded ? "completed" : "failed: \(result.describe(timeout: timeout))"
        let output = [result.stdout, result.stderr].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        return "\(label): \(verdict) in \(String(format: "%.2f", took.seconds)) s" + (output.isEmpty ? "" : "; output:\n" + output.joined(separator: "\n"))
    }
}

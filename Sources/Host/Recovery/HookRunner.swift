public import Foundation
public import HookAPI

/// Runs Orchestrator's shell hook lists (SPEC §5): each command of a list in order, with its
/// `{placeholders}` substituted, through `ProcessesShellCommand -c`, with the daemon's
/// environment plus the `ORC_*` variables, in its own process group killed at
/// `HookTimeoutSeconds`. Every start and end becomes a recovery step, output included.
public struct HookRunner: Sendable {
    public struct Outcome: Sendable, Equatable {
        /// The first command that failed (non-zero exit, signal, timeout, could not start).
        public var failure: String?
        public var succeeded: Bool { failure == nil }
    }

    let shell: String
    let timeout: Duration
    let baseEnvironment: [String: String]

    public init(_ hooks: Configuration.Hooks, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.shell = hooks.shellCommand
        self.timeout = .seconds(hooks.timeoutSeconds)
        // Passwords never reach a hook: whatever the daemon was given in its own environment
        // for credentials stays with it.
        self.baseEnvironment = environment.filter { name, _ in
            let upper = name.uppercased()
            return !upper.contains("PASSWORD") && !upper.contains("SECRET") && upper != "PGPASSWORD"
        }
    }

    /// Runs `commands` (the list named `listName`) in order. With `stopOnFailure` the first
    /// failure ends the list. A command ending in `&` is started and not waited for; its
    /// result is logged as a step when it ends but never fails the list (upstream semantics).
    public func run(_ listName: String, _ commands: [String], event: RecoveryEvent, stopOnFailure: Bool,
                    step: @escaping @Sendable (String) async -> Void) async -> Outcome {
        var failure: String?
        let environment = baseEnvironment.merging(event.environment) { _, ours in ours }
        for (index, template) in commands.enumerated() {
            var command = event.substitutePlaceholders(in: template).trimmingCharacters(in: .whitespaces)
            let label = "\(listName)[\(index)]"
            let detached = command.hasSuffix("&")
            if detached { command = String(command.dropLast()).trimmingCharacters(in: .whitespaces) }
            await step("\(label): running \(detached ? "asynchronously " : "")\(command)")
            let execution = { [shell, timeout] in
                let result = await CommandRunner.run(shell, ["-c", command], environment: environment, timeout: timeout)
                await step(Self.describe(label, result))
                return result
            }
            if detached {
                Task { _ = await execution() }
                continue
            }
            let result = await execution()
            if !result.succeeded {
                failure = failure ?? "\(label) (\(command)): \(result.summary)"
                if stopOnFailure { break }
            }
        }
        return Outcome(failure: failure)
    }

    static func describe(_ label: String, _ result: CommandRunner.Result) -> String {
        let verdict = result.succeeded ? "completed" : "failed: \(result.summary)"
        let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(label): \(verdict) in \(String(format: "%.2f", result.seconds)) s" + (output.isEmpty ? "" : "; output:\n\(output)")
    }
}

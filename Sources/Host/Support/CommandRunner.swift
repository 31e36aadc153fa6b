public import Foundation

/// Runs one external command to completion with a hard deadline: its own process group,
/// killed as a whole (SIGKILL) when the deadline passes, output captured (stdout and stderr
/// interleaved, the last `outputLimit` bytes kept).
public enum CommandRunner {
    public struct Result: Sendable, Equatable {
        public var termination: ChildProcess.Termination?
        public var timedOut: Bool
        public var output: String
        public var seconds: Double
        /// Why it could not start, if it did not.
        public var spawnError: String?

        public var succeeded: Bool { termination == .exited(0) && !timedOut }

        /// `exit 0`, `exit 3`, `killed by signal 9`, `timed out after 30 s`, `cannot start ...`.
        public var summary: String {
            if let spawnError { return spawnError }
            if timedOut { return "timed out after \(String(format: "%.1f", seconds)) s; its process group was killed" }
            return termination?.description ?? "unknown"
        }
    }

    public static let outputLimit = 64 * 1024

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        stdin: Data? = nil, timeout: Duration
    ) async -> Result {
        let started = ContinuousClock.now
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("orchestrator-command-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        guard let path = resolve(executable, environment: environment) else {
            return Result(termination: nil, timedOut: false, output: "", seconds: 0,
                          spawnError: "cannot start \(executable): not found in PATH")
        }
        let pid: Int32
        do {
            pid = try ChildProcess.spawn(path, arguments, environment: environment, stdin: stdin,
                                         outputPath: outputPath, newProcessGroup: true)
        } catch {
            return Result(termination: nil, timedOut: false, output: "", seconds: 0, spawnError: error.description)
        }
        let (termination, timedOut) = await withTaskGroup(of: (ChildProcess.Termination?, Bool).self) { group in
            group.addTask { (await ChildProcess.wait(pid), false) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return (nil, true)
            }
            let first = await group.next()!
            if first.1 {
                // Deadline: the whole group goes, so a hook's own children cannot linger.
                kill(-pid, SIGKILL)
                let ended = await group.next()!
                return (ended.0, true)
            }
            group.cancelAll()
            return first
        }
        // Whatever the leader left behind in its group goes too.
        kill(-pid, SIGKILL)
        return Result(termination: termination, timedOut: timedOut, output: tail(of: outputPath),
                      seconds: (ContinuousClock.now - started).seconds, spawnError: nil)
    }

    /// `name` as given when it contains a slash, else the first executable match in PATH.
    static func resolve(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return name }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    private static func tail(of path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(outputLimit) ? size - UInt64(outputLimit) : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

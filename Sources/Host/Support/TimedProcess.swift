public import Foundation

/// Runs a program with a hard deadline, capturing stdout and stderr separately (drop-in
/// plugins answer on stdout; their stderr goes to the recovery's steps). At the deadline the
/// whole process group is killed, so a hook that started children leaves nothing behind.
public enum TimedProcess {
    public struct Result: Sendable, Equatable {
        /// How it ended; after a timeout, the SIGKILL it got.
        public var termination: ChildProcess.Termination
        public var timedOut: Bool
        public var stdout: String
        public var stderr: String

        /// `exit status 1`, `killed by signal 9`, `timed out after 5 seconds (process group killed)`.
        public func describe(timeout: Duration) -> String {
            timedOut ? "timed out after \(timeout) (process group killed)" : termination.description
        }
    }

    /// Output beyond this many bytes per stream is cut (a runaway hook must not fill memory).
    public static let outputLimit = 1 << 20

    /// Starts `argv[0]` (a path; no shell, no PATH search) and waits at most `timeout`.
    public static func run(
        _ argv: [String], environment: [String: String], stdin: Data? = nil, timeout: Duration
    ) async throws(ChildProcess.SpawnError) -> Result {
        guard let name = argv.first else { throw ChildProcess.SpawnError(executable: "", errno: ENOENT) }
        guard let executable = resolve(name, environment: environment) else { throw ChildProcess.SpawnError(executable: name, errno: ENOENT) }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-proc-\(UUID().uuidString)").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let pid = try ChildProcess.spawn(executable, Array(argv.dropFirst()), environment: environment, stdin: stdin,
                                         outputPath: outPath, errorPath: errPath, newProcessGroup: true)
        let (termination, timedOut) = await withTaskGroup(of: ChildProcess.Termination?.self) { group in
            group.addTask { await ChildProcess.wait(pid) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if let first {
                group.cancelAll()
                return (first, false)
            }
            // The group first (children too), then the leader itself in case it left the
            // group with setsid(); the wait above then returns promptly.
            ChildProcess.signal(pid, SIGKILL, group: true)
            ChildProcess.signal(pid, SIGKILL)
            var ended = ChildProcess.Termination.signalled(SIGKILL)
            while let next = await group.next() {
                if let next { ended = next }
            }
            return (ended, true)
        }
        return Result(termination: termination, timedOut: timedOut, stdout: read(outPath), stderr: read(errPath))
    }

    /// `name` as given when it contains a slash, else its first executable match in `PATH`
    /// (a hook's `ProcessesShellCommand` is usually just `bash`).
    static func resolve(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return name }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    private static func read(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: outputLimit)) ?? nil
        return String(decoding: data ?? Data(), as: UTF8.self)
    }
}

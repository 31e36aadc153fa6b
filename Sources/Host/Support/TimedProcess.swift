package import Foundation

/// Runs a program with a hard deadline, capturing stdout and stderr separately (drop-in
/// plugins answer on stdout; their stderr goes to the recovery's steps). At the deadline the
/// whole process group is killed, so a hook that started children leaves nothing behind; with
/// `killLeftovers` that also happens when it exits by itself (a hook meant to leave something
/// running starts it with `setsid`).
///
/// Output is read through pipes, never written to disk: only the last `outputLimit` bytes of
/// each stream are kept, so a hook printing gigabytes costs neither memory nor disk.
package enum TimedProcess {
    package struct Result: Sendable, Equatable {
        /// How it ended; after a timeout, the SIGKILL it got.
        package var termination: ChildProcess.Termination
        package var timedOut: Bool
        package var stdout: String
        package var stderr: String

        /// `exit status 1`, `killed by signal 9`, `timed out after 5 seconds (process group killed)`.
        package func describe(timeout: Duration) -> String {
            timedOut ? "timed out after \(timeout) (process group killed)" : termination.description
        }
    }

    /// Bytes kept per stream: the last 64 KiB (the end of the output says why it failed).
    package static let outputLimit = 64 << 10

    /// How long output is still read after the program ended (a child that escaped the
    /// group with `setsid` may hold the pipe open; it is not waited for).
    static let drainGrace = Duration.seconds(1)

    /// Starts `argv[0]` and waits at most `timeout`. `argv[0]` is used as given when it
    /// contains a slash, else searched in `PATH` (a hook's `ProcessesShellCommand` is usually
    /// just `bash`); `executableDescriptor` (see `ChildProcess.spawn`) runs an opened file.
    package static func run(
        _ argv: [String], environment: [String: String], stdin: Data? = nil, timeout: Duration,
        executableDescriptor: Int32? = nil, killLeftovers: Bool = false
    ) async throws(ChildProcess.SpawnError) -> Result {
        guard let name = argv.first else { throw ChildProcess.SpawnError(executable: "", errno: ENOENT) }
        let executable: String
        if executableDescriptor != nil {
            executable = name
        } else {
            guard let found = resolve(name, environment: environment) else { throw ChildProcess.SpawnError(executable: name, errno: ENOENT) }
            executable = found
        }
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw ChildProcess.SpawnError(executable: name, errno: errno) }
        guard pipe(&errors) == 0 else {
            let failure = errno
            close(output[0])
            close(output[1])
            throw ChildProcess.SpawnError(executable: name, errno: failure)
        }
        // Close-on-exec: only the child's dup2 copies (1 and 2) may survive its exec. (The
        // window before this is the same as for ChildProcess's stdin pipe.)
        for descriptor in output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let pid: Int32
        do {
            defer {
                close(output[1])
                close(errors[1])
            }
            pid = try ChildProcess.spawn(executable, Array(argv.dropFirst()), environment: environment, stdin: stdin,
                                         newProcessGroup: true, outputDescriptors: (output[1], errors[1]),
                                         executableDescriptor: executableDescriptor, killGroupOnExit: killLeftovers)
        } catch {
            close(output[0])
            close(errors[0])
            throw error
        }
        let collector = OutputCollector(output[0], errors[0], limit: outputLimit)
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
        let (stdout, stderr) = await collector.collect(grace: drainGrace)
        return Result(termination: termination, timedOut: timedOut, stdout: stdout, stderr: stderr)
    }

    /// `name` as given when it contains a slash, else its first executable match in `PATH`.
    static func resolve(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return name }
        let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}

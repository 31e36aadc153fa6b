internal import COrchestratorSystem
package import Foundation
import Synchronization

/// Starts programs and waits for them without blocking the cooperative pool.
///
/// One reaper thread sits in `waitpid(-1)` and hands each exit status to whoever awaits that
/// pid. The process is also made a child subreaper, so that processes orphaned by our children
/// (a hook that daemonises, a postmaster started by `pg_ctl`) are reaped here instead of
/// lingering as zombies under an init that may not reap them.
public enum ChildProcess {
    package struct SpawnError: Error, Sendable, CustomStringConvertible {
        package let executable: String
        package let errno: Int32
        package var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signalled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Starts `executable` with `arguments` (no shell), stdout and stderr appended to
    /// `outputPath` (or discarded), stderr to `errorPath` instead when given, `stdin` fed from
    /// memory (or /dev/null). With `newProcessGroup` the child leads its own group so it can
    /// be killed with everything it started.
    /// - Parameters:
    ///   - outputDescriptors: stdout and stderr go to these (pipe write ends, close-on-exec
    ///     here) instead of files.
    ///   - executableDescriptor: an open descriptor of the file to run, checked by the
    ///     caller: it becomes descriptor 3 of the child, which executes `/proc/self/fd/3`
    ///     (what `fexecve` does), so a path swapped after the check runs nothing else.
    ///     `executable` then only names it in errors and as `argv[0]`.
    ///   - killGroupOnExit: when the child exits, whatever is left in its process group
    ///     (background children of a hook) is killed `Reaper.leftoverGrace` later.
    package static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String],
        stdin: Data? = nil, outputPath: String? = nil, errorPath: String? = nil, newProcessGroup: Bool = true,
        outputDescriptors: (Int32, Int32)? = nil, executableDescriptor: Int32? = nil, killGroupOnExit: Bool = false
    ) throws(SpawnError) -> Int32 {
        Reaper.shared.start()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var input: [Int32] = [-1, -1]
        if stdin != nil {
            guard pipe(&input) == 0 else { throw SpawnError(executable: executable, errno: errno) }
            _ = fcntl(input[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
            posix_spawn_file_actions_addclose(&actions, input[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let descriptors = outputDescriptors {
            posix_spawn_file_actions_adddup2(&actions, descriptors.0, 1)
            posix_spawn_file_actions_adddup2(&actions, descriptors.1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
            if let errorPath {
                posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            } else {
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
        }
        var path = executable
        if let executableDescriptor {
            // Last, so no earlier action reuses 3; dup2 clears close-on-exec on the copy
            // (a script's interpreter reopens /proc/self/fd/3, so it must stay open).
            posix_spawn_file_actions_adddup2(&actions, executableDescriptor, 3)
            path = "/proc/self/fd/3"
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup { flags |= Int32(POSIX_SPAWN_SETPGROUP) }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = Reaper.shared.registering(killGroupOnExit: killGroupOnExit && newProcessGroup) {
            let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
            return (status == 0 ? pid : nil, status)
        }
        if input[0] >= 0 { close(input[0]) }
        guard status == 0 else {
            if input[1] >= 0 { close(input[1]) }
            throw SpawnError(executable: executable, errno: status)
        }
        if let stdin, input[1] >= 0 {
            let fd = input[1]
            // A child that never reads its input must not block us: write from a worker.
            DispatchQueue.global().async {
                stdin.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
                close(fd)
            }
        }
        return pid
    }

    /// Suspends until the child `pid` (started by `spawn`) ends.
    package static func wait(_ pid: Int32) async -> Termination {
        await Reaper.shared.wait(pid)
    }

    /// Sends `signal` to the child `pid` (with `group`, to its whole process group) only if it
    /// has not been reaped yet: once reaped, its pid may belong to an unrelated new process.
    /// Returns whether the signal was sent.
    @discardableResult
    package static func signal(_ pid: Int32, _ signal: Int32, group: Bool = false) -> Bool {
        Reaper.shared.send(signal, to: pid, group: group)
    }
}

/// The single owner of `waitpid`: nothing else in the process may call it.
private final class Reaper: Sendable {
    static let shared = Reaper()

    private struct State {
        var started = false
        var running: Set<pid_t> = []
        /// Group leaders whose group is killed when they exit.
        var killGroupOnExit: Set<pid_t> = []
        var finished: [pid_t: ChildProcess.Termination] = [:]
        var waiting: [pid_t: CheckedContinuation<ChildProcess.Termination, Never>] = [:]
    }

    private let state = Mutex(State())
    private let hasChildren = NSCondition()

    func start() {
        let first = state.withLock { s -> Bool in
            defer { s.started = true }
            return !s.started
        }
        guard first else { return }
        // A child that exits without reading all of its stdin makes our write fail with
        // EPIPE; the default SIGPIPE would kill the daemon instead. (Children get default
        // signal handling back through POSIX_SPAWN_SETSIGDEF.)
        signal(SIGPIPE, SIG_IGN)
        _ = csystem_set_child_subreaper()
        let thread = Thread { [self] in loop() }
        thread.name = "orchestrator.reaper"
        thread.start()
    }

    /// Runs `spawn` under the lock, so the reaper cannot see the pid before it is registered.
    func registering(killGroupOnExit: Bool, _ spawn: () -> (pid_t?, Int32)) -> Int32 {
        let status = state.withLock { s -> Int32 in
            let (pid, status) = spawn()
            if let pid {
                s.running.insert(pid)
                if killGroupOnExit { s.killGroupOnExit.insert(pid) }
            }
            return status
        }
        hasChildren.lock()
        hasChildren.signal()
        hasChildren.unlock()
        return status
    }

    func wait(_ pid: pid_t) async -> ChildProcess.Termination {
        await withCheckedContinuation { continuation in
            let done = state.withLock { s -> ChildProcess.Termination? in
                if let t = s.finished.removeValue(forKey: pid) { return t }
                s.waiting[pid] = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    func send(_ signal: Int32, to pid: pid_t, group: Bool) -> Bool {
        state.withLock { s in
            guard s.running.contains(pid) else { return false }
            return kill(group ? -pid : pid, signal) == 0
        }
    }

    /// How long a group outlives its leader before what is left in it is killed: a child
    /// detaching with `setsid -f` is forked inside the group and leaves it only when it calls
    /// setsid(2), which a loaded machine may delay past the leader's exit.
    static let leftoverGrace = 0.5

    /// Kills what is left in `group` after `leftoverGrace`. While any member lives the group's
    /// id stays taken; once none does, the kill finds nothing (ESRCH), unless the whole pid
    /// space (`pid_max`, 32768 at least) wrapped around within the grace and the number
    /// became a new group's.
    private static func killLeftovers(group: pid_t) {
        DispatchQueue.global().asyncAfter(deadline: .now() + leftoverGrace) { _ = kill(-group, SIGKILL) }
    }

    /// Waits for any child to end without reaping it (WNOWAIT), then reaps it under the lock:
    /// while `send` holds the lock the pid is either still a zombie of ours or already
    /// out of `running`, never a reused number.
    private func loop() {
        while true {
            var info = siginfo_t()
            if waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0 {
                if errno == ECHILD {
                    hasChildren.lock()
                    _ = hasChildren.wait(until: Date(timeIntervalSinceNow: 1))
                    hasChildren.unlock()
                }
                continue
            }
            let pid = info._sifields._sigchld.si_pid
            var status: Int32 = 0
            let waiter = state.withLock { s -> (CheckedContinuation<ChildProcess.Termination, Never>, ChildProcess.Termination)? in
                if s.killGroupOnExit.remove(pid) != nil { Self.killLeftovers(group: pid) }
                guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
                let termination: ChildProcess.Termination = (status & 0x7f) == 0
                    ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
                // Orphans adopted as subreaper were never ours to report.
                guard s.running.remove(pid) != nil else { return nil }
                if let w = s.waiting.removeValue(forKey: pid) { return (w, termination) }
                s.finished[pid] = termination
                return nil
            }
            if let (continuation, termination) = waiter { continuation.resume(returning: termination) }
        }
    }
}

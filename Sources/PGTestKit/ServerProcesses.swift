import Foundation
import Synchronization

/// Finds and signals every process of a PostgreSQL server by its data directory.
///
/// Process groups do not work for this: each backend calls `setsid()` at start, so a signal to
/// the postmaster's group misses them. But every PostgreSQL process runs with the data
/// directory as its working directory, also the orphans a SIGKILLed postmaster leaves behind.
/// Data directories in use are remembered, and an `atexit` handler kills whatever still runs
/// in them (a test that crashed or forgot to stop its topology), then deletes what the network
/// lab made (`LabCleanup`): a namespace is only freed once no process is left in it.
enum ServerProcesses {
    private static let live = Mutex<Set<String>>([])
    private static let directories = Mutex<Set<String>>([])
    private static let installed = Mutex(false)

    static func track(_ dataDirectory: String) {
        installAtExit()
        live.withLock { _ = $0.insert(dataDirectory) }
    }

    static func untrack(_ dataDirectory: String) {
        live.withLock { _ = $0.remove(dataDirectory) }
    }

    /// Directories to delete at exit (after their servers are gone), unless PGHA_KEEP_DATA is set.
    static func removeAtExit(_ directory: String) {
        installAtExit()
        directories.withLock { _ = $0.insert(directory) }
    }

    /// Pids of live (not zombie) processes whose working directory is `dataDirectory`.
    static func pids(in dataDirectory: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let target = (dataDirectory as NSString).resolvingSymlinksInPath
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), isAlive(pid),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                  cwd == target else { return nil }
            return pid
        }
    }

    static func signal(_ signal: Int32, in dataDirectory: String) {
        for pid in pids(in: dataDirectory) { _ = kill(pid, signal) }
    }

    /// True while `pid` exists and is not a zombie waiting to be reaped.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].first
        return state != "Z" && state != "X"
    }

    private static func killAll() {
        let dirs = live.withLock { $0 }
        for dir in dirs {
            signal(SIGCONT, in: dir)
            signal(SIGKILL, in: dir)
        }
        for dir in dirs {
            for _ in 0..<500 where !pids(in: dir).isEmpty { usleep(10_000) }
        }
        LabCleanup.deleteAllNow()
        guard ProcessInfo.processInfo.environment["PGHA_KEEP_DATA"] == nil else { return }
        for directory in directories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func installAtExit() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit { ServerProcesses.killAll() }
        }
    }
}

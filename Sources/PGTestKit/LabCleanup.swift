import Foundation
import Host
import Synchronization

/// Deletes what the network lab made when a test process ends without stopping its topologies
/// (run by `ServerProcesses`' exit handler, after the servers are killed), and what a test
/// process that died without running its exit handler (a crash, SIGKILL) left behind.
enum LabCleanup {
    /// Lab objects that exist now, in the order to delete them: veths (the kernel deletes both
    /// ends), then namespaces, then bridges (their ports are gone by then).
    private static let owned = Mutex<(links: Set<String>, namespaces: Set<String>, bridges: Set<String>)>(([], [], []))

    static func trackNode(_ name: String) {
        ServerProcesses.installAtExit()
        owned.withLock { $0.links.insert(name); $0.namespaces.insert(name) }
    }

    static func untrackNode(_ name: String) {
        owned.withLock { $0.links.remove(name); $0.namespaces.remove(name) }
    }

    static func trackBridge(_ name: String) {
        ServerProcesses.installAtExit()
        owned.withLock { _ = $0.bridges.insert(name) }
    }

    static func untrackBridge(_ name: String) {
        owned.withLock { _ = $0.bridges.remove(name) }
    }

    static func deletions(links: some Sequence<String>, namespaces: some Sequence<String>, bridges: some Sequence<String>) -> [String] {
        links.map { "link del \($0)" } + namespaces.map { "netns del \($0)" } + bridges.map { "link del \($0)" }
    }

    /// At exit: no cooperative pool to await on, so spawn `ip` and poll until it is gone (the
    /// reaper thread still runs and reaps it; `isAlive` also treats a zombie as gone).
    static func deleteAllNow() {
        let lines = owned.withLock { deletions(links: $0.links, namespaces: $0.namespaces, bridges: $0.bridges) }
        guard !lines.isEmpty else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgtestkit-lab-\(getpid()).batch").path
        guard (try? (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)) != nil else { return }
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let pid = try? ChildProcess.spawn(IPRoute.path, ["-force", "-batch", file], environment: ProcessInfo.processInfo.environment,
                                                newProcessGroup: false) else { return }
        for _ in 0..<1_000 where ServerProcesses.isAlive(pid) { usleep(10_000) }
    }

    /// Deletes lab namespaces and links whose test process no longer exists.
    static func sweep() async {
        func dead(_ name: String) -> Bool {
            guard let pid = LabNames.owner(of: name), pid != getpid() else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        let links = LabNames.links().filter(dead)
        let lines = deletions(links: links.filter { !LabNames.isBridge($0) }, namespaces: LabNames.namespaces().filter(dead),
                              bridges: links.filter(LabNames.isBridge))
        try? await IPRoute.batch(lines, force: true)
    }
}

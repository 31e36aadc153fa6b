import Host
import Foundation

/// Starts the Python stand-ins (`Tests/Support/*_standin.py`) the same way: spawn, wait for the
/// ready file, and say how the process ended when it never listened.
enum StandInLauncher {
    /// Spawns `script` with `arguments` plus `--port` and `--ready-file`, logging to
    /// `directory/standin.log`; returns its pid once it listens on `port`.
    static func launch(_ name: String, script: String, arguments: [String], port: Int, directory: String) async throws -> Int32 {
        let ready = "\(directory)/ready"
        let logPath = "\(directory)/standin.log"
        try? FileManager.default.removeItem(atPath: ready)
        let started = try ChildProcess.spawn(ProxySQLStandIn.python, [script, "--port", String(port), "--ready-file", ready] + arguments,
                                             environment: ProcessInfo.processInfo.environment, outputPath: logPath)
        StandInProcesses.track(started)
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: ready) {
            let gone = !ServerProcesses.isAlive(started)
            if gone || ContinuousClock.now >= deadline {
                // Gone before it wrote its ready file: say how it ended (a signal from another
                // test's stale pid, a Python error) rather than only "did not start".
                if !gone { ChildProcess.signal(started, SIGKILL) }
                let ended = await ChildProcess.wait(started)
                StandInProcesses.untrack(started)
                throw HarnessError(gone ? "\(name) (pid \(started)) ended before it listened on \(port): \(ended)\n\(log())"
                                        : "\(name) did not start listening on \(port) within 30 s:\n\(log())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return started
    }

    /// Runs `start` with a fresh port, again (up to three times) when the port was taken before
    /// the stand-in bound it (a process outside the tests can still take one).
    static func onFreshPort<T>(_ start: (Int) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await start(try freePort())
            } catch let error as HarnessError where attempt < 3 && "\(error)".contains("address already in use") {
                continue
            }
        }
    }
}

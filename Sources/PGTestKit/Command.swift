import Foundation
import Host

/// Runs a program to completion without blocking a thread of the cooperative pool. Output
/// goes to a file, so a chatty program can never fill a pipe and hang.
struct Command {
    struct Failure: Error, CustomStringConvertible {
        var command: String
        var termination: ChildProcess.Termination
        var output: String
        var description: String { "`\(command)` ended with \(termination):\n\(output)" }
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String] = [:]
    var stdin: String?

    /// Runs the command as the unprivileged PostgreSQL OS user when we are root, inside the
    /// network namespace `namespace` if given (entered as root, before dropping privileges).
    static func asPostgresUser(_ executable: String, _ arguments: [String], in namespace: String? = nil,
                               environment: [String: String] = [:], stdin: String? = nil) -> Command {
        var line = [executable] + arguments
        if geteuid() == 0 { line = ["/usr/sbin/runuser", "-u", PGInstallation.osUser, "--"] + line }
        if let namespace { line = [IPRoute.path, "netns", "exec", namespace] + line }
        return Command(executable: line[0], arguments: Array(line.dropFirst()), environment: environment, stdin: stdin)
    }

    @discardableResult
    func run() async throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pgtestkit-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        let pid = try ChildProcess.spawn(executable, arguments, environment: env, stdin: stdin.map { Data($0.utf8) },
                                         outputPath: outputPath, newProcessGroup: false)
        let termination = await ChildProcess.wait(pid)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard termination == .exited(0) else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), termination: termination, output: text)
        }
        return text
    }
}

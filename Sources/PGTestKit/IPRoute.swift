import Foundation

/// Runs iproute2's `ip`, which builds and tears down the network lab.
enum IPRoute {
    /// Debian ships it in /sbin and /bin; `Command` needs an absolute path (no PATH lookup).
    static let path = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/sbin/ip"

    /// Runs `lines` (`ip` commands without the leading `ip`) as one `ip -batch`, inside
    /// `namespace` if given: one process instead of one per line. Stops at the first failing
    /// line, unless `force` (best-effort teardown), which runs them all and fails at the end.
    static func batch(_ lines: [String], in namespace: String? = nil, force: Bool = false) async throws {
        guard !lines.isEmpty else { return }
        var arguments = namespace.map { ["-n", $0] } ?? []
        if force { arguments.append("-force") }
        try await Command(executable: path, arguments: arguments + ["-batch", "-"],
                          stdin: lines.joined(separator: "\n") + "\n").run()
    }
}

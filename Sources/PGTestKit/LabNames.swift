import Foundation

/// Names of the lab's namespaces and links. They carry the test process's pid, so that a test
/// process can find its own (and those of a dead one, see `LabCleanup.sweep`), and stay within
/// the kernel's 15-character limit for interface names: `orcbr<pid>` for the bridge,
/// `orc<pid>n<host>` for both a node's namespace and its veth end on the bridge (inside the
/// namespace the other end is `eth0`, as on a real host).
enum LabNames {
    static var bridge: String { "orcbr\(getpid())" }

    static func node(host: Int) -> String { "orc\(getpid())n\(host)" }

    /// The pid of the test process that made `name`, nil if it is not a lab name.
    static func owner(of name: String) -> pid_t? {
        guard name.hasPrefix("orc") else { return nil }
        let rest = name.dropFirst(3)
        if rest.hasPrefix("br") {
            let digits = rest.dropFirst(2)
            return digits.allSatisfy(\.isASCIIDigitCharacter) ? pid_t(digits) : nil
        }
        let parts = rest.split(separator: "n", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) }) else { return nil }
        return pid_t(parts[0])
    }

    static func isBridge(_ name: String) -> Bool { name.hasPrefix("orcbr") }

    /// Named network namespaces (`ip netns add` mounts each on a file here).
    static func namespaces() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
    }

    /// Links of the root namespace (sysfs was mounted there, so it shows the root's).
    static func links() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
    }

    /// Lab namespaces and links made by `pid` that exist now.
    static func existing(of pid: pid_t) -> [String] {
        (namespaces().map { "netns \($0)" } + links().map { "link \($0)" })
            .filter { owner(of: String($0.split(separator: " ")[1])) == pid }
            .sorted()
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isWholeNumber }
}

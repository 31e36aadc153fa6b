import Foundation
import Synchronization

/// Hands out loopback ports that are free right now, below the kernel's ephemeral range
/// (32768–60999 on Linux): a port drawn from that range can be taken by any outgoing
/// connection of a parallel test before the server under test binds it (EADDRINUSE, seen in
/// CI). Each PostgreSQL version under test gets its own slice, so the three suites can run in
/// parallel without colliding, and a process hands each port out once.
enum PortAllocator {
    /// PostgreSQL servers: 20000–29999, 1000 per version.
    static let servers = Pool { slot in (20_000 + slot * 1_000, 1_000) }
    /// Daemons, stand-ins and other listeners (`freePort()`): 30000–32699, 900 per version.
    static let services = Pool { slot in (30_000 + slot * 900, 900) }

    static func allocate(major: Int) throws -> Int { try servers.allocate(slot: slot(major)) }

    /// The slot of the version under test (`PGHA_TEST_PG_VERSION`): 15 → 0, 16 → 1, 18 → 2.
    static func slot(_ major: Int) -> Int {
        switch major { case 16: 1; case 18: 2; default: 0 }
    }

    final class Pool: Sendable {
        private let range: @Sendable (Int) -> (first: Int, count: Int)
        private let next = Mutex<[Int: Int]>([:])

        init(_ range: @escaping @Sendable (Int) -> (first: Int, count: Int)) { self.range = range }

        func allocate(slot: Int) throws -> Int {
            let (first, count) = range(slot)
            return try next.withLock { next in
                // Processes of the same slot (a rerun while one still stops) start apart.
                var offset = next[slot] ?? Int(getpid() % 10) * (count / 10)
                for _ in 0..<count {
                    offset = (offset + 1) % count
                    if isFree(first + offset) {
                        next[slot] = offset
                        return first + offset
                    }
                }
                throw HarnessError("no free loopback port in \(first)–\(first + count - 1)")
            }
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

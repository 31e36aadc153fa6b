import Foundation
import Synchronization

/// Hands out loopback ports that are free right now. Each PostgreSQL version under test gets
/// its own range, so the three suites can run in parallel without colliding.
enum PortAllocator {
    private static let next = Mutex<Int?>(nil)

    static func allocate(major: Int) throws -> Int {
        try next.withLock { next in
            var port = next ?? (20_000 + (major % 100 - 15) * 1_000 + Int(getpid() % 10) * 90)
            for _ in 0..<2_000 {
                port += 1
                if port > 29_999 { port = 20_001 }
                if isFree(port) {
                    next = port
                    return port
                }
            }
            throw HarnessError("no free loopback port found")
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

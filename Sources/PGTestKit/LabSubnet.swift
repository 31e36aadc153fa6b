import Foundation

/// The address plan of a test process's network lab: `10.213.N.0/24`, the bridge (where the
/// daemon in the root namespace appears from) at `.1`, nodes at `.2` to `.254`.
///
/// Every address has a fixed MAC (`02:13:00:00:N:host`), so every neighbour table is written
/// once, statically, and nothing ever uses ARP. That is what makes a cut-off node silent: with
/// ARP, the kernel gives up on an unanswered address after about 3 s and fails connects with
/// EHOSTUNREACH instead of letting them hang.
struct LabSubnet: Sendable {
    /// N, the third octet.
    let index: Int

    static let gatewayHost = 1
    static let nodeHosts = 2...254
    static let prefixLength = 24

    var gateway: String { address(host: Self.gatewayHost) }

    func address(host: Int) -> String { "10.213.\(index).\(host)" }

    func mac(host: Int) -> String { String(format: "02:13:00:00:%02x:%02x", index, host) }

    /// Static neighbour entries for every address of the subnet but `host`, on `device`.
    func neighbourEntries(except host: Int, device: String) -> [String] {
        ([Self.gatewayHost] + Self.nodeHosts).filter { $0 != host }.map {
            "neigh replace \(address(host: $0)) lladdr \(mac(host: $0)) dev \(device) nud permanent"
        }
    }

    /// A subnet no address or route of the root namespace touches. Each PostgreSQL major
    /// version gets its own band of 40 (15: 1-40, 16: 41-80, 18: 121-160), so the three suites
    /// running in parallel never pick the same one; the pid picks the start within the band.
    static func choose(major: Int) throws -> LabSubnet {
        let band = ((major - 15) % 6 + 6) % 6
        let start = Int(getpid() % 40)
        let taken = usedIndices()
        for offset in 0..<40 {
            let index = band * 40 + 1 + (start + offset) % 40
            if !taken.contains(index) { return LabSubnet(index: index) }
        }
        throw HarnessError("every subnet 10.213.\(band * 40 + 1)-\(band * 40 + 40).0/24 is in use")
    }

    /// Third octets of 10.213.x.y addresses of the root namespace's interfaces and routes.
    private static func usedIndices() -> Set<Int> {
        var used = Set<Int>()
        var list: UnsafeMutablePointer<ifaddrs>?
        if getifaddrs(&list) == 0 {
            var entry = list
            while let current = entry {
                if let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) {
                    let value = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    insert(networkOrder: value, into: &used)
                }
                entry = current.pointee.ifa_next
            }
            freeifaddrs(list)
        }
        // Columns: Iface Destination Gateway ...; an address is the kernel's u32 in hex, in
        // network byte order like s_addr. Read to the end: /proc files claim size 0, and
        // String(contentsOfFile:) stops after one read.
        let file = FileHandle(forReadingAtPath: "/proc/net/route")
        defer { try? file?.close() }
        let routes = String(decoding: (try? file?.readToEnd()) ?? Data(), as: UTF8.self)
        for line in routes.split(separator: "\n").dropFirst() {
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            if columns.count > 1, let destination = UInt32(columns[1], radix: 16) {
                insert(networkOrder: destination, into: &used)
            }
        }
        return used
    }

    private static func insert(networkOrder value: UInt32, into used: inout Set<Int>) {
        let host = UInt32(bigEndian: value)
        if host >> 16 == (10 << 8 | 213) { used.insert(Int(host >> 8 & 0xff)) }
    }
}

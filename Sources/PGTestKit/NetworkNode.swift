import Foundation
import Synchronization

/// A node's own network, as if it were a host of its own: a namespace whose `eth0` (one end
/// of a veth pair) has `address`; the other end, `link`, is a port of the lab's bridge.
public final class NetworkNode: Sendable, CustomStringConvertible {
    /// The network namespace (`ip netns exec <namespace> ...`).
    public let namespace: String
    /// The veth end on the bridge, in the root namespace; down while the node is cut off.
    public let link: String
    /// The node's address, in its namespace only.
    public let address: String
    /// The bridge's address: where connections from the root namespace (the daemon) come from.
    public let gateway: String
    public let bridge: String
    let host: Int
    private let subnet: LabSubnet
    private let cut = Mutex(false)

    init(subnet: LabSubnet, host: Int, bridge: String) {
        self.namespace = LabNames.node(host: host)
        self.link = namespace
        self.address = subnet.address(host: host)
        self.gateway = subnet.gateway
        self.bridge = bridge
        self.host = host
        self.subnet = subnet
    }

    public var description: String { "\(namespace) (\(address))" }

    public var isCutOff: Bool { cut.withLock { $0 } }

    /// Makes the namespace, the veth pair and the addresses, routes and static neighbours.
    func create() async throws {
        LabCleanup.trackNode(namespace)
        try await IPRoute.batch([
            "netns add \(namespace)",
            "link add \(link) type veth peer name eth0 address \(subnet.mac(host: host)) netns \(namespace)",
            "link set \(link) master \(bridge)",
            "link set \(link) up",
        ])
        // Neighbours after `eth0` is up: taking a link down flushes even permanent entries.
        try await IPRoute.batch([
            "link set lo up",
            "addr add \(address)/\(LabSubnet.prefixLength) dev eth0",
            "link set eth0 up",
            "route add default via \(gateway)",
        ] + subnet.neighbourEntries(except: host, device: "eth0"), in: namespace)
    }

    /// Deletes the veth pair and the namespace (best effort: whatever exists of them). The
    /// namespace's processes must be gone, or the kernel keeps it alive, unnamed, until they are.
    func remove() async {
        let lines = LabCleanup.deletions(links: LabNames.links().filter { $0 == link },
                                         namespaces: LabNames.namespaces().filter { $0 == namespace }, bridges: [])
        try? await IPRoute.batch(lines, force: true)
        try? await unhideFromRoot()
        LabCleanup.untrackNode(namespace)
    }

    /// Takes the bridge-side end down: the node keeps its address and `eth0` stays up (only its
    /// carrier goes), so nothing is refused or reset; packets in either direction just vanish.
    func cutOff() async throws {
        try await IPRoute.batch(["link set \(link) down"])
        cut.withLock { $0 = true }
    }

    /// Drops what the root namespace (where the daemon runs) sends to this node, and only
    /// that: the node and its peers still talk over the bridge. A blackhole route fails the
    /// daemon's new connections and leaves its open ones waiting for answers that never come.
    func hideFromRoot() async throws {
        try await IPRoute.batch(["route replace blackhole \(address)/32"])
    }

    func unhideFromRoot() async throws {
        try await IPRoute.batch(["route del blackhole \(address)/32"], force: true)
    }

    func reconnect() async throws {
        try await IPRoute.batch(["link set \(link) up"])
        cut.withLock { $0 = false }
    }
}

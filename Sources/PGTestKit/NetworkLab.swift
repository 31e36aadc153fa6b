import Foundation

/// The network that namespaced topologies of one test process share: a bridge in the root
/// namespace with the subnet's first address, and a namespace per node plugged into it. The
/// daemon under test, in the root namespace, reaches every node at its own address; the nodes
/// reach each other through the bridge. The bridge exists while any node does.
///
/// Making and releasing nodes runs one at a time (the bridge's life depends on the count),
/// also across the suspensions of the `ip` commands, which actor isolation alone would allow
/// to interleave.
public actor NetworkLab {
    static let shared = NetworkLab()

    private var subnet: LabSubnet?
    private var hostsInUse: Set<Int> = []
    /// Hosts are handed out round-robin, so a new topology gets fresh addresses and names
    /// rather than those of the one that just stopped.
    private var nextHost = LabSubnet.nodeHosts.lowerBound
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Lab namespaces (`netns <name>`) and links (`link <name>`) of this test process that
    /// exist now; empty once every namespaced topology has stopped.
    public nonisolated static func existing() -> [String] {
        LabNames.existing(of: getpid())
    }

    /// `count` new nodes, ready to run servers in (the first call makes the bridge).
    func makeNodes(_ count: Int, major: Int) async throws -> [NetworkNode] {
        await lock()
        defer { unlock() }
        guard geteuid() == 0 else { throw HarnessError("network namespaces need root") }
        let subnet = try await bridge(major: major)
        let all = LabSubnet.nodeHosts
        let rotated = Array(nextHost...all.upperBound) + Array(all.lowerBound..<nextHost)
        let hosts = Array(rotated.filter { !hostsInUse.contains($0) }.prefix(count))
        guard hosts.count == count else {
            throw HarnessError("the network lab has room for \(LabSubnet.nodeHosts.count) nodes, \(hostsInUse.count) in use")
        }
        hostsInUse.formUnion(hosts)
        if let last = hosts.last { nextHost = last == all.upperBound ? all.lowerBound : last + 1 }
        let nodes = hosts.map { NetworkNode(subnet: subnet, host: $0, bridge: LabNames.bridge) }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in nodes { group.addTask { try await node.create() } }
                try await group.waitForAll()
            }
            return nodes
        } catch {
            await remove(nodes)
            throw error
        }
    }

    /// Deletes the nodes (their servers must be stopped), and the bridge after the last one.
    func release(_ nodes: [NetworkNode]) async {
        guard !nodes.isEmpty else { return }
        await lock()
        defer { unlock() }
        await remove(nodes)
    }

    private func remove(_ nodes: [NetworkNode]) async {
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.remove() } }
        }
        hostsInUse.subtract(nodes.map(\.host))
        guard hostsInUse.isEmpty, subnet != nil else { return }
        // Should this fail, the bridge stays tracked and the exit handler tries again.
        if (try? await IPRoute.batch(["link del \(LabNames.bridge)"])) != nil { LabCleanup.untrackBridge(LabNames.bridge) }
        subnet = nil
    }

    /// The bridge's subnet, making the bridge first if there is none.
    private func bridge(major: Int) async throws -> LabSubnet {
        if let subnet { return subnet }
        await LabCleanup.sweep()
        let chosen = try LabSubnet.choose(major: major)
        let name = LabNames.bridge
        LabCleanup.trackBridge(name)
        do {
            // No STP and no forward delay: a port forwards as soon as it is up (also after
            // `reconnect()`). A fixed MAC, because every namespace has it as a static neighbour.
            try await IPRoute.batch([
                "link add \(name) address \(chosen.mac(host: LabSubnet.gatewayHost)) type bridge stp_state 0 forward_delay 0",
                "addr add \(chosen.gateway)/\(LabSubnet.prefixLength) dev \(name)",
                "link set \(name) up",
            ] + chosen.neighbourEntries(except: LabSubnet.gatewayHost, device: name))
        } catch {
            try? await IPRoute.batch(["link del \(name)"])
            LabCleanup.untrackBridge(name)
            throw error
        }
        subnet = chosen
        return chosen
    }

    private func lock() async {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the lock to the next waiter (it stays busy) or frees it.
    private func unlock() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

import Foundation
import Host
import PGClient
import PGTestKit
import Testing

/// Serialized: the last test checks that nothing of the lab is left after `stop()`, which only
/// holds when no other namespaced topology of this process is running.
@Suite("Servers in network namespaces, each at its own address on port 5432", .serialized)
struct NetworkNamespaceTests {
    @Test("primary + 2 standbys in namespaces stream to each other through the bridge")
    func streamingBetweenNamespaces() async throws {
        try await PGTopology.with(TopologySpec(standbys: 2, networkNamespaces: true)) { topology in
            let primary = topology.primary
            #expect(topology.servers.allSatisfy { $0.port == 5432 })
            #expect(Set(topology.servers.map(\.host)).count == 3)
            #expect(Set(topology.servers.compactMap(\.network?.namespace)).count == 3)
            for server in topology.servers {
                let network = try #require(server.network)
                #expect(server.host == network.address)
                #expect(network.address != network.gateway)
                #expect(network.address.hasPrefix("10.213."))
                // The postmaster really lives in the node's namespace, not in ours.
                let pid = try #require(server.postmasterPID)
                #expect(try namespaceInode(ofProcess: pid) == namespaceInode(named: network.namespace))
                #expect(try namespaceInode(ofProcess: pid) != namespaceInode(ofProcess: getpid()))
                // Reached from the root namespace, at the node's address, coming from the bridge.
                let connection = try await server.connect(timeout: .seconds(5))
                let row = try await connection.query(
                    "SELECT host(inet_server_addr()) AS server, inet_server_port() AS port, host(inet_client_addr()) AS client",
                    timeout: .seconds(5)).singleRow()
                #expect(try row.decode("server", as: String.self) == server.host)
                #expect(try row.decode("port", as: Int.self) == 5432)
                #expect(try row.decode("client", as: String.self) == network.gateway)
            }
            for standby in topology.standbys {
                let receiver = try await standby.query("SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver").singleRow()
                #expect(try receiver.decode("status", as: String.self) == "streaming")
                #expect(try receiver.decode("sender_host", as: String.self) == primary.host)
                #expect(try receiver.decode("sender_port", as: Int.self) == 5432)
            }
            let senders = try await primary.query("SELECT host(client_addr) AS addr, application_name FROM pg_stat_replication WHERE state = 'streaming'")
            #expect(Set(senders.rows.compactMap { try? $0.decode("addr", as: String.self) }) == Set(topology.standbys.map(\.host)))
            #expect(Set(senders.rows.compactMap { try? $0.decode("application_name", as: String.self) }) == Set(topology.standbys.map(\.name)))
        }
    }

    @Test("cascading, synchronous replication, slots, write load and node control work in namespaces")
    func harnessFeaturesInNamespaces() async throws {
        let spec = TopologySpec(standbys: 2, cascadingFrom: [0], synchronous: true, slots: true, networkNamespaces: true)
        try await PGTopology.with(spec) { topology in
            let cascade = try #require(topology.cascaded.first)
            let upstream = topology.standbys[0]
            let receiver = try await cascade.query("SELECT sender_host, sender_port, slot_name FROM pg_stat_wal_receiver").singleRow()
            #expect(try receiver.decode("sender_host", as: String.self) == upstream.host)
            #expect(try receiver.decode("sender_port", as: Int.self) == 5432)
            #expect(try receiver.decode("slot_name", as: String.self) == cascade.name)
            let sync = try await topology.primary.query("SELECT count(*) AS n FROM pg_stat_replication WHERE sync_state = 'quorum'").singleRow()
            #expect(try sync.decode("n", as: Int.self) == 2)

            let load = WriteLoad(targets: [topology.primary])
            try await load.start()
            try await load.waitForAcknowledged(20)
            let acks = await load.stop()
            // Through the cascade too, once its replay catches up (the table may not be there yet).
            try await waitUntil(timeout: .seconds(30)) { (try? await WriteLoad.missing(acks, on: cascade).isEmpty) == true }

            let standby = topology.standbys[1]
            standby.freeze()
            await #expect(throws: PGError.self) { try await standby.connect(timeout: .milliseconds(300)) }
            standby.thaw()
            let oldPID = try #require(standby.postmasterPID)
            await standby.killPostmaster()
            try await standby.restart()
            #expect(standby.postmasterPID != oldPID)
            try await topology.waitUntilStreaming(timeout: .seconds(30))
        }
    }

    @Test("a cut-off node loses packets silently until reconnected")
    func cutOffAndReconnect() async throws {
        try await PGTopology.with(TopologySpec(standbys: 1, networkNamespaces: true)) { topology in
            let primary = topology.primary
            let standby = topology.standbys[0]
            let open = try await standby.connect(timeout: .seconds(5))
            _ = try await open.query("SELECT 1", timeout: .seconds(5))
            // The first status reply may still be on its way.
            try await waitUntil(timeout: .seconds(10)) { try await lastReply(on: primary).count == 1 }

            try await standby.cutOff()
            #expect(standby.isCutOff)
            let replyAtCut = try await lastReply(on: primary)
            let started = ContinuousClock.now
            let query = await #expect(throws: PGError.self) { try await open.query("SELECT 1", timeout: .milliseconds(500)) }
            #expect(query?.code == .timeout)
            #expect(started.duration(to: .now) >= .milliseconds(450))
            let connect = await #expect(throws: PGError.self) { try await standby.connect(timeout: .milliseconds(500)) }
            #expect(connect?.code == .timeout)
            // Silent for good, not only until ARP gives up on the address (after about 3 s,
            // failing connects with "no route to host"): the lab's neighbours are static, in
            // the root namespace and in the nodes' (0x6: complete and permanent).
            let bridge = try #require(standby.network).bridge
            #expect(try neighbourFlags(of: standby.host, device: bridge, seenBy: getpid()) == "0x6")
            #expect(try neighbourFlags(of: primary.host, device: "eth0", seenBy: #require(standby.postmasterPID)) == "0x6")
            try await Task.sleep(for: .seconds(2))
            // Between namespaces too: the standby's status replies (every second) no longer
            // reach the primary, which itself answers as before.
            #expect(try await lastReply(on: primary) == replyAtCut)

            try await standby.reconnect()
            #expect(!standby.isCutOff)
            let row = try await standby.query("SELECT pg_is_in_recovery() AS r").singleRow()
            #expect(try row.decode("r", as: Bool.self))
            try await primary.query("CREATE TABLE after_reconnect(id int)")
            try await waitUntil(timeout: .seconds(60)) {
                (try? await standby.query("SELECT to_regclass('after_reconnect') IS NOT NULL AS there").singleRow().decode("there", as: Bool.self)) == true
            }
        }
    }

    @Test("stop() deletes every namespace, veth and the bridge, also with a node cut off")
    func stopLeavesNothing() async throws {
        let topology = try await PGTopology.start(TopologySpec(standbys: 1, networkNamespaces: true))
        let networks = topology.servers.compactMap(\.network)
        #expect(networks.count == 2)
        var expected = Set(networks.flatMap { ["netns \($0.namespace)", "link \($0.link)"] })
        expected.insert("link \(try #require(networks.first).bridge)")
        // What the check below relies on sees them while they exist.
        #expect(Set(NetworkLab.existing()) == expected)
        for network in networks {
            #expect(FileManager.default.fileExists(atPath: "/run/netns/\(network.namespace)"))
            #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(network.link)"))
        }

        // A cut-off server stops at once (no waiting for the 15 s SIGKILL grace period while
        // its WAL sender waits for the standby), alone and with its topology.
        try await topology.primary.cutOff()
        let started = ContinuousClock.now
        await topology.primary.stop()
        #expect(topology.primary.postmasterPID == nil)
        await topology.stop()
        // A fast shutdown would take the whole grace period before its SIGKILL.
        #expect(started.duration(to: .now) < .seconds(14))
        #expect(topology.servers.allSatisfy { $0.postmasterPID == nil })
        #expect(NetworkLab.existing() == [])
        for network in networks {
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(network.namespace)"))
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(network.link)"))
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(network.bridge)"))
        }
    }
}

/// `reply_time` of every WAL sender on `server`, as text (changes whenever a standby reports).
private func lastReply(on server: PGServer) async throws -> [String] {
    try await server.query("SELECT reply_time::text AS t FROM pg_stat_replication ORDER BY pid").rows
        .compactMap { try? $0.decodeIfPresent("t", as: String.self) }
}

/// The flags of `address`'s ARP entry on `device` in the network namespace of process `pid`.
private func neighbourFlags(of address: String, device: String, seenBy pid: Int32) throws -> String? {
    // Columns: IP address, HW type, Flags, HW address, Mask, Device.
    // Read to the end: /proc files claim size 0, and String(contentsOfFile:) stops after one read.
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/net/arp"))
    defer { try? handle.close() }
    let table = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    for line in table.split(separator: "\n").dropFirst() {
        let columns = line.split(separator: " ").map(String.init)
        if columns.count == 6, columns[0] == address, columns[5] == device { return columns[2] }
    }
    return nil
}

/// The inode of a network namespace identifies it: `/proc/<pid>/ns/net` and the file `ip netns
/// add` mounts it on have the same.
private func namespaceInode(ofProcess pid: Int32) throws -> UInt64 {
    try inode(of: "/proc/\(pid)/ns/net")
}

private func namespaceInode(named name: String) throws -> UInt64 {
    try inode(of: "/run/netns/\(name)")
}

private func inode(of path: String) throws -> UInt64 {
    var info = stat()
    guard stat(path, &info) == 0 else { throw HarnessError("stat \(path): errno \(errno)") }
    return UInt64(info.st_ino)
}

private func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw HarnessError("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

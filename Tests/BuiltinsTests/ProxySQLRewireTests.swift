import Builtins
import HookAPI
import Host
import PGTestKit
import Synchronization
import Testing

/// The rewire against the ProxySQL stand-in: end state, idempotency, retries, deadlines and
/// independence of endpoints. Addresses are PostgreSQL servers as ProxySQL would list them;
/// nothing connects to them.
@Suite("Built-in ProxySQL rewire")
struct ProxySQLRewireTests {
    static let old = InstanceAddress(host: "127.0.0.1", port: 35432)
    static let new = InstanceAddress(host: "127.0.0.1", port: 35433)
    static let other = InstanceAddress(host: "127.0.0.1", port: 35434)
    static let rewire = ProxySQLRewire(tag: "orchestrator:r1", retry: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)))

    /// Before the failover: OLD writer and also a reader (as ProxySQL's docs configure it),
    /// NEW and OTHER readers; applied and saved.
    static func seed(_ standIn: ProxySQLStandIn) async throws {
        for row in ["10, '127.0.0.1', 35432", "20, '127.0.0.1', 35432", "20, '127.0.0.1', 35433", "20, '127.0.0.1', 35434"] {
            try await standIn.execute("INSERT INTO pgsql_servers (hostgroup_id, hostname, port) VALUES (\(row))")
        }
        try await standIn.execute("INSERT INTO pgsql_replication_hostgroups (writer_hostgroup, reader_hostgroup) VALUES (10, 20)")
        try await standIn.execute("LOAD PGSQL SERVERS TO RUNTIME")
        try await standIn.execute("SAVE PGSQL SERVERS TO DISK")
    }

    static func row(_ hostgroup: Int, _ key: InstanceAddress, _ status: String) -> ProxySQLServerRow {
        .init(hostgroup: hostgroup, server: key, status: status)
    }

    /// Memory, runtime and disk layers, every column.
    static func tables(_ standIn: ProxySQLStandIn) async throws -> [[[String?]]] {
        [try await standIn.rows("pgsql_servers"), try await standIn.rows("runtime_pgsql_servers"), try await standIn.rows("disk.pgsql_servers")]
    }

    @Test("the writer moves to the new primary, the old one ends OFFLINE_HARD, readers are the standbys, runtime and disk match")
    func rewiresOneEndpoint() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            let report = await Self.rewire.rewire(endpoint: standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20),
                                                  newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.new, Self.other])
            #expect(report.outcome == .succeeded, "\(report)")
            #expect(try await standIn.servers("pgsql_servers") == [
                Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.old, "OFFLINE_HARD"), Self.row(20, Self.other, "ONLINE"),
            ])
            #expect(try await standIn.servers() == [Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.other, "ONLINE")])
            let memory = try await standIn.rows("pgsql_servers")
            #expect(memory.first?[10] == "orchestrator:r1:writer")
            #expect(memory[1][10] == "orchestrator:r1:fenced")
            #expect(try await standIn.rows("disk.pgsql_servers") == memory)
            #expect(report.runtimeBefore?.contains(ProxySQLServerRow(hostgroup: 10, server: Self.old, status: "ONLINE")) == true)
            #expect(report.runtimeAfter == [ProxySQLServerRow(hostgroup: 10, server: Self.new, status: "ONLINE"),
                                            ProxySQLServerRow(hostgroup: 20, server: Self.other, status: "ONLINE")])
            let tags = report.attempts.last?.statements.map(\.result)
            #expect(tags?.last == .ok(commandTag: "SAVE"))
            #expect(tags?.contains(.ok(commandTag: "LOAD")) == true)
        }
    }

    @Test("a second run changes nothing")
    func idempotent() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            let endpoint = standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20)
            let first = await Self.rewire.rewire(endpoint: endpoint, newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
            let after = try await Self.tables(standIn)
            let second = await Self.rewire.rewire(endpoint: endpoint, newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
            #expect(first.succeeded && second.succeeded, "\(first)\n\(second)")
            #expect(second.attempts.count == 1)
            #expect(try await Self.tables(standIn) == after)
            // As on a real ProxySQL: nothing left to delete in W, the upserts and the fence
            // re-apply.
            let changes = second.attempts[0].statements.map(\.result).dropFirst().prefix(4)
            #expect(Array(changes) == [.ok(commandTag: "DELETE 0"), .ok(commandTag: "INSERT 0 1"), .ok(commandTag: "INSERT 0 1"),
                                       .ok(commandTag: "UPDATE 1")])
        }
    }

    @Test("the new primary stays a reader when asked; without a reader hostgroup readers are left alone")
    func readerPolicies() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            let alsoReader = ProxySQLRewire(tag: "t", readerPolicy: .newPrimaryAlsoReader)
            let report = await alsoReader.rewire(endpoint: standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20),
                                                 newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
            #expect(report.succeeded, "\(report)")
            #expect(try await standIn.servers() == [
                Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.new, "ONLINE"), Self.row(20, Self.other, "ONLINE"),
            ])
        }
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            let report = await Self.rewire.rewire(endpoint: standIn.endpoint(writerHostgroup: 10), newPrimary: Self.new,
                                                  oldPrimary: Self.old, standbys: [Self.other])
            #expect(report.succeeded, "\(report)")
            // OLD fenced in every hostgroup it had, its fenced row kept in W; reader rows untouched.
            #expect(try await standIn.servers("pgsql_servers") == [
                Self.row(10, Self.old, "OFFLINE_HARD"), Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.old, "OFFLINE_HARD"),
                Self.row(20, Self.new, "ONLINE"), Self.row(20, Self.other, "ONLINE"),
            ])
            #expect(try await standIn.servers() == [
                Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.new, "ONLINE"), Self.row(20, Self.other, "ONLINE"),
            ])
        }
    }

    @Test("ProxySQL down at first and back within the deadline still ends right")
    func downThenUp() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            await standIn.stop()
            let (failures, failed) = AsyncStream.makeStream(of: ProxySQLRewireReport.Attempt.self)
            var rewire = Self.rewire
            rewire.onAttempt = { _, attempt in if attempt.failure != nil { failed.yield(attempt) } }
            let endpoint = standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20, timeoutSeconds: 60)
            async let report = rewire.rewire(endpoint: endpoint, newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
            var iterator = failures.makeAsyncIterator()
            let firstFailure = await iterator.next()
            try await standIn.start()
            let final = await report
            #expect(firstFailure?.failure?.code == .unreachable)
            #expect(final.succeeded, "\(final)")
            #expect(final.attempts.count >= 2)
            #expect(try await standIn.servers() == [Self.row(10, Self.new, "ONLINE"), Self.row(20, Self.other, "ONLINE")])
        }
    }

    @Test("down for longer than the deadline: failed with the reason, and the call returns", arguments: [false, true])
    func downPastDeadline(frozen: Bool) async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            // Stopped: connections are refused. Frozen (SIGSTOP): TCP connects, nothing ever
            // answers; without a hard deadline the call would never return.
            if frozen { await standIn.freeze() } else { await standIn.stop() }
            let report = await Self.rewire.rewire(endpoint: standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20, timeoutSeconds: 2),
                                                  newPrimary: Self.new, oldPrimary: Self.old, standbys: [])
            guard case .failed(let error) = report.outcome else {
                Issue.record("expected a failure: \(report)")
                return
            }
            #expect(error.code == .deadlinePassed)
            #expect(error.message.contains(frozen ? "no answer before the deadline" : "Connection refused"), "\(error)")
            #expect(error.message.contains("TimeoutSeconds 2"))
            #expect(!report.attempts.isEmpty)
            #expect(report.attempts.allSatisfy { [.unreachable, .deadlinePassed].contains($0.failure?.code) })
            await standIn.thaw()
        }
    }

    @Test("two endpoints are both rewired; one down does not hold up the other")
    func severalEndpoints() async throws {
        try await ProxySQLStandIn.with { first in
            try await ProxySQLStandIn.with { second in
                try await Self.seed(first)
                try await Self.seed(second)
                let both = await Self.rewire.rewireAll(
                    endpoints: [first.endpoint(writerHostgroup: 10, readerHostgroup: 20), second.endpoint(writerHostgroup: 10, readerHostgroup: 20)],
                    newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
                #expect(both.map(\.succeeded) == [true, true], "\(both)")
                #expect(both.map(\.endpoint.port) == [first.port, second.port])
                #expect(try await first.servers() == second.servers())

                // Back to OLD as writer on both; then the first hangs.
                await first.freeze()
                let order = RecordedOrder()
                var rewire = Self.rewire
                rewire.onAttempt = { endpoint, attempt in order.append("\(endpoint.port):\(attempt.failure == nil ? "ok" : "failed")") }
                var hung = first.endpoint(writerHostgroup: 10, readerHostgroup: 20, timeoutSeconds: 5)
                hung.connectTimeoutSeconds = 5
                let reports = await rewire.rewireAll(endpoints: [hung, second.endpoint(writerHostgroup: 10, readerHostgroup: 20)],
                                                     newPrimary: Self.old, oldPrimary: Self.new, standbys: [Self.other])
                await first.thaw()
                #expect(!reports[0].succeeded)
                #expect(reports[1].succeeded, "\(reports[1])")
                #expect(order.values.first == "\(second.port):ok")
                #expect(try await second.servers() == [Self.row(10, Self.old, "ONLINE"), Self.row(20, Self.other, "ONLINE")])
            }
        }
    }

    @Test("drain sets the old primary OFFLINE_SOFT in the writer hostgroup, in runtime, without saving")
    func drain() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            var endpoint = standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20)
            #expect(await Self.rewire.drainAll(endpoints: [endpoint], oldPrimary: Self.old).isEmpty)
            endpoint.preFailoverDrain = true
            let reports = await Self.rewire.drainAll(endpoints: [endpoint], oldPrimary: Self.old)
            #expect(reports.map(\.succeeded) == [true], "\(reports)")
            #expect(try await standIn.servers().first == Self.row(10, Self.old, "OFFLINE_SOFT"))
            #expect(try await standIn.servers("disk.pgsql_servers").first == Self.row(10, Self.old, "ONLINE"))
        }
    }

    @Test("bad credentials fail with ProxySQL's reason; no report text holds the password")
    func passwordNeverReported() async throws {
        try await ProxySQLStandIn.with { standIn in
            try await Self.seed(standIn)
            let good = await Self.rewire.rewire(endpoint: standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20),
                                                newPrimary: Self.new, oldPrimary: Self.old, standbys: [Self.other])
            var endpoint = standIn.endpoint(writerHostgroup: 10, readerHostgroup: 20, timeoutSeconds: 1)
            endpoint.password = "wrong-secret-xyz"
            let bad = await Self.rewire.rewire(endpoint: endpoint, newPrimary: Self.new, oldPrimary: Self.old, standbys: [])
            #expect(!bad.succeeded)
            #expect("\(bad)".contains("Access denied for user 'radmin'"))
            for text in ["\(good)", "\(bad)", String(reflecting: good), String(reflecting: bad)] {
                #expect(!text.contains(standIn.password) && !text.contains("wrong-secret-xyz"))
            }
        }
    }

    @Test("an unsafe host name is refused before any connection")
    func invalidRequest() async throws {
        let endpoint = ProxySQLEndpoint(address: "127.0.0.1", port: 1, writerHostgroup: 10)
        let report = await Self.rewire.rewire(endpoint: endpoint, newPrimary: InstanceAddress(host: "x'); DELETE FROM pgsql_servers; --", port: 5432),
                                              oldPrimary: Self.old, standbys: [])
        #expect(report.attempts.isEmpty)
        guard case .failed(let error) = report.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .invalidRequest)
    }
}

/// Attempt events in arrival order, written from the endpoints' tasks.
final class RecordedOrder: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ value: String) { storage.withLock { $0.append(value) } }
    var values: [String] { storage.withLock { $0 } }
}

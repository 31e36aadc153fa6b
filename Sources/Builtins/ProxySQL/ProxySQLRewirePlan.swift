public import HookAPI
import PGClient

/// The SQL of a rewire or drain for one endpoint, and the check of what runtime must show
/// afterwards. Pure: no I/O, so the exact text and the verification rules are unit-tested.
///
/// The sequence sets the desired state (docs/plugins.md, "The SQL sequence"): every statement
/// is idempotent and none can hit the `(hostgroup_id, hostname, port)` primary key, so a retry
/// may start again from the top whatever a previous attempt, the monitor or an operator left.
/// Statements go one per simple query: ProxySQL's admin port silently drops everything after
/// the first statement of a query and refuses the extended protocol.
public struct ProxySQLRewirePlan: Sendable, Equatable {
    /// What a statement is for: the driver reads the snapshot and verification results.
    public enum Purpose: Sendable, Equatable {
        case snapshot
        case change
        case apply
        case verify
        case persist
    }

    public struct Statement: Sendable, Equatable {
        public let sql: String
        public let purpose: Purpose
    }

    public let statements: [Statement]
    /// Runtime rows that must be present after `LOAD` (hostgroup, server, status); in the
    /// writer hostgroup nothing else may be.
    let required: Set<ProxySQLServerRow>
    let writerHostgroup: Int
    /// With `.newPrimaryOutOfReaders`: the reader hostgroup and the new primary, which must not be in it.
    let readerHostgroup: Int?
    let notReader: InstanceAddress?
    /// Servers that must have no runtime row at all (OFFLINE_HARD rows are not listed in runtime).
    let absent: Set<InstanceAddress>

    /// ProxySQL's defaults for a `pgsql_servers` row; the writer and fenced rows are written
    /// whole (`INSERT OR REPLACE` resets omitted columns), with these values.
    public struct ServerAttributes: Sendable, Equatable {
        public var weight = 1
        public var compression = 0
        public var maxConnections = 1000
        public var maxReplicationLag = 0
        public var useSSL = 0
        public var maxLatencyMs = 0
        public init() {}
    }

    /// Where the new primary goes besides the writer hostgroup (ProxySQL's
    /// `pgsql-monitor_writer_is_also_reader`, whose effective behaviour differs between
    /// releases, so the rewire sets it explicitly).
    public enum ReaderPolicy: Sendable, Equatable {
        /// The new primary has no reader row: readers are the standbys only.
        case newPrimaryOutOfReaders
        /// The new primary is also ONLINE in the reader hostgroup.
        case newPrimaryAlsoReader
    }

    static let columns = "hostgroup_id, hostname, port, status, weight, compression, max_connections, "
        + "max_replication_lag, use_ssl, max_latency_ms, comment"

    /// After a promotion: writer hostgroup := {new primary}; every row of the old primary
    /// `OFFLINE_HARD` (one visible fenced row kept, in the reader hostgroup when there is one);
    /// with a reader hostgroup, the other standbys ONLINE there and the new primary in or out
    /// per `readerPolicy`; `LOAD`, verify runtime, `SAVE … TO DISK`.
    /// `tag` goes into `comment` (`<tag>:writer`, `<tag>:fenced`, `<tag>:reader`) so every row
    /// says who wrote it.
    public static func rewire(
        writerHostgroup w: Int, readerHostgroup r: Int?, newPrimary new: InstanceAddress, oldPrimary old: InstanceAddress,
        standbys: [InstanceAddress], tag: String, readerPolicy: ReaderPolicy = .newPrimaryOutOfReaders,
        attributes: ServerAttributes = ServerAttributes()
    ) throws(ProxySQLRewireError) -> ProxySQLRewirePlan {
        if r == w { throw ProxySQLRewireError(.invalidRequest, "ReaderHostgroup \(w) equals WriterHostgroup; give the readers a hostgroup of their own") }
        if new == old { throw ProxySQLRewireError(.invalidRequest, "new and old primary are both \(new)") }
        let n = try Server(new), o = try Server(old)
        let others = try standbys.filter { $0 != new && $0 != old }.uniqued().map(Server.init)
        let writer = try literal("\(tag):writer"), fenced = try literal("\(tag):fenced"), reader = try literal("\(tag):reader")
        let fenceHostgroup = r ?? w

        var sql: [Statement] = [.init(sql: snapshotSQL, purpose: .snapshot)]
        func change(_ text: String) { sql.append(.init(sql: text, purpose: .change)) }
        // W := {NEW}. Without a reader hostgroup the fenced row of OLD stays in W (excluded
        // from routing and monitoring as OFFLINE_HARD), so it is spared here.
        change("DELETE FROM pgsql_servers WHERE hostgroup_id=\(w) AND NOT (\(n.match))"
            + (fenceHostgroup == w ? " AND NOT (\(o.match))" : ""))
        change(replace(w, n, status: "ONLINE", comment: writer, attributes))
        // The fence: one explicit OFFLINE_HARD row (an UPDATE alone matches nothing once the
        // DELETE above removed OLD's only row), then every other row of OLD.
        change(replace(fenceHostgroup, o, status: "OFFLINE_HARD", comment: fenced, attributes))
        change("UPDATE pgsql_servers SET status='OFFLINE_HARD', comment=\(fenced) WHERE \(o.match)")
        var required: Set<ProxySQLServerRow> = [ProxySQLServerRow(hostgroup: w, server: new, status: "ONLINE")]
        var notReader: InstanceAddress?
        if let r {
            var readers = others
            if readerPolicy == .newPrimaryAlsoReader {
                readers.insert(n, at: 0)
            } else {
                change("DELETE FROM pgsql_servers WHERE hostgroup_id=\(r) AND \(n.match)")
                notReader = new
            }
            // Keep an existing reader row's weight and limits; only its status is ours.
            for s in readers {
                change("INSERT OR IGNORE INTO pgsql_servers (hostgroup_id, hostname, port, status, comment) "
                    + "VALUES (\(r), \(s.host), \(s.port), 'ONLINE', \(reader))")
                change("UPDATE pgsql_servers SET status='ONLINE' WHERE hostgroup_id=\(r) AND \(s.match)")
                required.insert(ProxySQLServerRow(hostgroup: r, server: s.address, status: "ONLINE"))
            }
        }
        sql.append(.init(sql: "LOAD PGSQL SERVERS TO RUNTIME", purpose: .apply))
        let watched = ([w] + (r.map { [$0] } ?? [])).map(String.init).joined(separator: ", ")
        sql.append(.init(sql: "SELECT hostgroup_id, hostname, port, status FROM runtime_pgsql_servers "
            + "WHERE hostgroup_id IN (\(watched)) OR (\(o.match)) ORDER BY hostgroup_id, hostname, port", purpose: .verify))
        sql.append(.init(sql: "SAVE PGSQL SERVERS TO DISK", purpose: .persist))
        // Other reader rows (say a standby an operator added that the topology does not list)
        // are not the rewire's to judge; the writer hostgroup is.
        return ProxySQLRewirePlan(statements: sql, required: required, writerHostgroup: w,
                                  readerHostgroup: notReader == nil ? nil : r, notReader: notReader, absent: [old])
    }

    /// Before a failover or switchover: the old primary `OFFLINE_SOFT` in the writer hostgroup,
    /// so ProxySQL sends it no new work while its open transactions finish. Applied to runtime
    /// but not saved to disk: a drain is transient, the rewire that follows persists.
    public static func drain(writerHostgroup w: Int, oldPrimary old: InstanceAddress) throws(ProxySQLRewireError) -> ProxySQLRewirePlan {
        let o = try Server(old)
        return ProxySQLRewirePlan(statements: [
            .init(sql: snapshotSQL, purpose: .snapshot),
            .init(sql: "UPDATE pgsql_servers SET status='OFFLINE_SOFT' WHERE hostgroup_id=\(w) AND \(o.match)", purpose: .change),
            .init(sql: "LOAD PGSQL SERVERS TO RUNTIME", purpose: .apply),
            .init(sql: "SELECT hostgroup_id, hostname, port, status FROM runtime_pgsql_servers "
                + "WHERE hostgroup_id=\(w) AND \(o.match)", purpose: .verify),
        ], required: [], writerHostgroup: w, readerHostgroup: nil, notReader: nil, absent: [], drained: ProxySQLServerRow(hostgroup: w, server: old, status: "OFFLINE_SOFT"))
    }

    /// Why `runtime` (the verification rows) is not what this plan asked for; nil when it is.
    public func problem(in runtime: [ProxySQLServerRow]) -> String? {
        if let drained {
            let wrong = runtime.filter { $0 != drained }
            return wrong.isEmpty ? nil : "runtime still has \(wrong.map(\.description).joined(separator: ", ")) instead of OFFLINE_SOFT"
        }
        var problems: [String] = []
        let missing = required.subtracting(runtime)
        if !missing.isEmpty { problems.append("missing \(missing.map(\.description).sorted().joined(separator: ", "))") }
        let extra = runtime.filter {
            ($0.hostgroup == writerHostgroup && !required.contains($0)) || ($0.hostgroup == readerHostgroup && $0.server == notReader)
        }
        if !extra.isEmpty { problems.append("unexpected \(extra.map(\.description).joined(separator: ", "))") }
        let unfenced = runtime.filter { absent.contains($0.server) }
        if !unfenced.isEmpty { problems.append("old primary still live: \(unfenced.map(\.description).joined(separator: ", "))") }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    let drained: ProxySQLServerRow?

    init(statements: [Statement], required: Set<ProxySQLServerRow>, writerHostgroup: Int, readerHostgroup: Int?,
         notReader: InstanceAddress?, absent: Set<InstanceAddress>, drained: ProxySQLServerRow? = nil) {
        self.statements = statements
        self.required = required
        self.writerHostgroup = writerHostgroup
        self.readerHostgroup = readerHostgroup
        self.notReader = notReader
        self.absent = absent
        self.drained = drained
    }

    static let snapshotSQL = "SELECT hostgroup_id, hostname, port, status FROM runtime_pgsql_servers ORDER BY hostgroup_id, hostname, port"

    private static func replace(_ hostgroup: Int, _ s: Server, status: String, comment: String, _ a: ServerAttributes) -> String {
        "INSERT OR REPLACE INTO pgsql_servers (\(columns)) VALUES (\(hostgroup), \(s.host), \(s.port), '\(status)', "
            + "\(a.weight), \(a.compression), \(a.maxConnections), \(a.maxReplicationLag), \(a.useSSL), \(a.maxLatencyMs), \(comment))"
    }

    private static func literal(_ text: String) throws(ProxySQLRewireError) -> String {
        do {
            return try SQLQuote.literal(text)
        } catch {
            throw ProxySQLRewireError(.invalidRequest, "\(error); the rewire tag must be plain text")
        }
    }

    /// A server as SQL: the host checked against what a host name or IP address can contain
    /// (ProxySQL's SQLite would read anything else its own way) and quoted with `SQLQuote`.
    private struct Server: Equatable {
        let address: InstanceAddress
        let host: String
        let port: Int
        var match: String { "hostname=\(host) AND port=\(port)" }

        init(_ address: InstanceAddress) throws(ProxySQLRewireError) {
            let allowed = address.host.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".-_:".unicodeScalars.contains($0)
            }
            guard allowed, !address.host.isEmpty else {
                throw ProxySQLRewireError(.invalidRequest, "host \(address.host.debugDescription) is not a host name or IP address "
                    + "(allowed: letters, digits, '.', '-', '_', ':'); fix the instance's address")
            }
            guard (0...65535).contains(address.port) else {
                throw ProxySQLRewireError(.invalidRequest, "port \(address.port) of \(address.host) is outside 0-65535")
            }
            self.address = address
            self.host = try ProxySQLRewirePlan.literal(address.host)
            self.port = address.port
        }
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

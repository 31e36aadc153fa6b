import Builtins
import Host
import PGTestKit

extension ProxySQLStandIn {
    /// `(hostgroup, server, status)` of every row of `table`, ordered by the primary key, in
    /// the rewire's own row type so tests compare against what its report shows.
    func servers(_ table: String = "runtime_pgsql_servers") async throws -> [ProxySQLServerRow] {
        try await rows(table).map { row in
            ProxySQLServerRow(hostgroup: Int(row[0] ?? "") ?? -1, server: InstanceKey(host: row[1] ?? "", port: Int(row[2] ?? "") ?? -1),
                              status: row[3] ?? "")
        }
    }
}

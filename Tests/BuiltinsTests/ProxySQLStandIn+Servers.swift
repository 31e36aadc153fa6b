import Builtins
import HookAPI
import Host
import PGTestKit

extension ProxySQLStandIn {
    /// `(hostgroup, server, status)` of every row of `table`, ordered by the primary key, in
    /// the rewire's own row type so tests compare against what its report shows.
    func servers(_ table: String = "runtime_pgsql_servers") async throws -> [ProxySQLServerRow] {
        try await rows(table).map { row in
            ProxySQLServerRow(hostgroup: Int(row[0] ?? "") ?? -1, server: InstanceAddress(host: row[1] ?? "", port: Int(row[2] ?? "") ?? -1),
                              status: row[3] ?? "")
        }
    }

    /// The admin endpoint as the config file would give it.
    nonisolated func endpoint(writerHostgroup: Int, readerHostgroup: Int? = nil, timeoutSeconds: Int = 10) -> ProxySQLEndpoint {
        var endpoint = ProxySQLEndpoint(address: "127.0.0.1", port: port, writerHostgroup: writerHostgroup, readerHostgroup: readerHostgroup)
        endpoint.user = user
        endpoint.password = Secret(password)
        endpoint.sslMode = .prefer
        endpoint.timeoutSeconds = timeoutSeconds
        return endpoint
    }
}

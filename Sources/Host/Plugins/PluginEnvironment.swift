import Foundation
import HookAPI

/// The environment of drop-in executables and `orc.run`: the daemon's own environment without
/// anything that carries a password, plus the event's `ORC_*` variables.
///
/// Recovery points get exactly the shell hooks' variables (`RecoveryEvent.environment`). The
/// other points get a documented subset in the same vocabulary; every point adds
/// `ORC_HOOK_POINT` (snake_case point name). The full event is always on stdin as JSON.
enum PluginEnvironment {
    /// The one filter of the daemon's environment for shell hooks, drop-ins and `orc.run`:
    /// drops every variable whose name contains PASS, SECRET, TOKEN, KEY, CREDENTIAL or PWD
    /// (any case: `PGPASSWORD`, `AWS_SECRET_ACCESS_KEY`, `VAULT_TOKEN`, `MYSQL_PWD`),
    /// `PGPASSFILE` and `PGSERVICEFILE` (they point libpq at stored passwords), and every
    /// variable whose value contains one of `secrets` (`DATABASE_URL=postgres://u:pw@…`, or
    /// a password brought into the config with `${VAR}`). A secret shorter than
    /// `shortSecret` bytes only hides values equal to it (it would be found inside most
    /// values). The event's own `ORC_*` variables are added after this filter.
    static func base(_ environment: [String: String], secrets: [String]) -> [String: String] {
        let hidden = secrets.filter { !$0.isEmpty }
        return environment.filter { name, value in
            let upper = name.uppercased()
            if sensitiveNameParts.contains(where: { upper.contains($0) }) || upper == "PGPASSFILE" || upper == "PGSERVICEFILE" {
                return false
            }
            return !hidden.contains { secret in secret.utf8.count < shortSecret ? value == secret : value.contains(secret) }
        }
    }

    static let sensitiveNameParts = ["PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PWD"]
    static let shortSecret = 4

    /// The passwords of a configuration: topology, HTTP authentication, and those the blocks of
    /// compiled-in plugins hold (`ConfigBlock.secrets`).
    static func secrets(of configuration: Configuration) -> [String] {
        [configuration.postgresql.topologyPassword.value, configuration.http.authPassword.value]
            + configuration.blocks.secrets
    }

    static func variables(for event: PluginEvent) -> [String: String] {
        var variables: [String: String]
        switch event {
        case .recovery(_, let recovery):
            variables = recovery.environment
        case .discovery(let discovery):
            variables = [
                "ORC_INSTANCE_HOST": discovery.instance.host, "ORC_INSTANCE_PORT": String(discovery.instance.port),
                "ORC_INSTANCE_ROLE": discovery.role, "ORC_SERVER_VERSION": discovery.version,
                "ORC_CLUSTER_NAME": discovery.clusterName, "ORC_CLUSTER_NAME_SETTING": discovery.clusterNameSetting,
                "ORC_CLUSTER_SYSTEM_ID": discovery.systemIdentifier,
            ]
        case .clusterName(let cluster):
            variables = [
                "ORC_CLUSTER_NAME": cluster.clusterName, "ORC_PRIMARY_HOST": cluster.primary.host,
                "ORC_PRIMARY_PORT": String(cluster.primary.port), "ORC_CLUSTER_NAME_SETTING": cluster.clusterNameSetting,
                "ORC_CLUSTER_SYSTEM_ID": cluster.systemIdentifier, "ORC_DETECTED_CLUSTER_ALIAS": cluster.detectedAlias ?? "",
                "ORC_CLUSTER_MEMBERS": cluster.members.map(\.description).joined(separator: ","),
            ]
        case .analysis(let analysis):
            variables = [
                "ORC_FAILURE_TYPE": analysis.code, "ORC_FAILURE_DESCRIPTION": analysis.description,
                "ORC_FAILED_HOST": analysis.instance.host, "ORC_FAILED_PORT": String(analysis.instance.port),
                "ORC_FAILURE_CLUSTER": analysis.clusterName, "ORC_FAILURE_CLUSTER_ALIAS": analysis.clusterAlias,
                "ORC_COUNT_REPLICAS": String(analysis.replicas.count),
                "ORC_REPLICA_HOSTS": analysis.replicas.map(\.description).joined(separator: ","),
                "ORC_IS_ACTIONABLE": String(analysis.isActionable),
            ]
        }
        variables["ORC_HOOK_POINT"] = event.point.snakeCaseName
        return variables
    }
}

/// The shell-hook view of a `RecoveryEvent`: Orchestrator's `ORC_*` environment variables and
/// `{camelCase}` placeholders, plus ours (`ORC_FAILED_LSN`, `ORC_SUCCESSOR_LSN`,
/// `ORC_CLUSTER_SYSTEM_ID`). A value that is absent is the empty string, never missing, so a
/// placeholder is never left literally in a command (upstream issue #896).
extension RecoveryEvent {
    /// One variable: its environment name, its placeholder name, and its value.
    public struct Variable: Sendable, Hashable {
        public let environmentName: String
        public let placeholder: String
        public let value: String
    }

    public var variables: [Variable] {
        let laterFields: [(String, String, String)] = [
            ("ORC_CANDIDATE_HOST", "candidateHost", candidate?.host ?? ""),
            ("ORC_CANDIDATE_PORT", "candidatePort", candidate.map { String($0.port) } ?? ""),
            ("ORC_CANDIDATE_LSN", "candidateLSN", candidateLSN?.description ?? ""),
            ("ORC_SUCCESSOR_HOST", "successorHost", successor?.host ?? ""),
            ("ORC_SUCCESSOR_PORT", "successorPort", successor.map { String($0.port) } ?? ""),
            ("ORC_SUCCESSOR_ALIAS", "successorAlias", successorAlias ?? successor?.description ?? ""),
            ("ORC_SUCCESSOR_LSN", "successorLSN", successorLSN?.description ?? ""),
            // Upstream's binlog coordinates as `wal:<LSN as integer>`, for scripts that parse them.
            ("ORC_SUCCESSOR_BINLOG_COORDINATES", "successorBinlogCoordinates", successorLSN.map { "wal:\($0.value)" } ?? ""),
        ]
        let fields: [(String, String, String)] = [
            ("ORC_FAILURE_TYPE", "failureType", failureType),
            ("ORC_FAILURE_DESCRIPTION", "failureDescription", failureDescription),
            ("ORC_COMMAND", "command", command),
            ("ORC_INSTANCE_TYPE", "instanceType", instanceType),
            ("ORC_IS_MASTER", "isMaster", String(instanceType == "master")),
            ("ORC_IS_CO_MASTER", "isCoMaster", "false"),
            ("ORC_FAILED_HOST", "failedHost", failed.host),
            ("ORC_FAILED_PORT", "failedPort", String(failed.port)),
            ("ORC_FAILED_LSN", "failedLSN", failedLSN?.description ?? ""),
            ("ORC_FAILURE_CLUSTER", "failureCluster", clusterName),
            ("ORC_FAILURE_CLUSTER_ALIAS", "failureClusterAlias", clusterAlias),
            ("ORC_FAILURE_CLUSTER_DOMAIN", "failureClusterDomain", ""),
            ("ORC_CLUSTER_SYSTEM_ID", "clusterSystemId", clusterSystemIdentifier ?? ""),
            ("ORC_COUNT_REPLICAS", "countReplicas", String(replicas.count)),
            ("ORC_REPLICA_HOSTS", "replicaHosts", replicas.map(\.description).joined(separator: ",")),
            ("ORC_LOST_REPLICAS", "lostReplicas", lostReplicas.map(\.description).joined(separator: ",")),
            ("ORC_COUNT_LOST_REPLICAS", "countLostReplicas", String(lostReplicas.count)),
            ("ORC_IS_DOWNTIMED", "isDowntimed", String(isDowntimed)),
            ("ORC_AUTO_MASTER_RECOVERY", "autoMasterRecovery", String(isAutomated)),
            ("ORC_AUTO_INTERMEDIATE_MASTER_RECOVERY", "autoIntermediateMasterRecovery", String(isAutomated)),
            ("ORC_ORCHESTRATOR_HOST", "orchestratorHost", orchestratorHost),
            ("ORC_IS_SUCCESSFUL", "isSuccessful", String(isSuccessful)),
            ("ORC_RECOVERY_UID", "recoveryUID", recoveryUID),
        ]
        return (fields + laterFields).map { Variable(environmentName: $0.0, placeholder: $0.1, value: $0.2) }
    }

    /// `ORC_*` name → value, each bounded to `environmentValueLimit` bytes.
    public var environment: [String: String] {
        Dictionary(uniqueKeysWithValues: variables.map { ($0.environmentName, Self.bounded($0.value, limit: Self.environmentValueLimit)) })
    }

    /// Upstream's older placeholder spellings, still found in hook scripts.
    static let placeholderAliases = ["countSlaves": "countReplicas", "slaveHosts": "replicaHosts", "lostSlaves": "lostReplicas"]

    /// Longest value pasted into a hook command; longer values are cut (with `…`). Commands
    /// are one argv string, which Linux limits to 128 KiB (`MAX_ARG_STRLEN`).
    public static let commandValueLimit = 4096
    /// Longest value of an `ORC_*` variable; longer values are cut (with `…`), so the
    /// environment can never make starting a hook fail with E2BIG.
    public static let environmentValueLimit = 16384

    /// `value` cut to at most `limit` UTF-8 bytes (on a character boundary, `…` appended).
    public static func bounded(_ value: String, limit: Int) -> String {
        guard value.utf8.count > limit else { return value }
        var cut = ""
        var bytes = 0
        for character in value {
            let size = character.utf8.count
            if bytes + size > limit - 3 { break }
            cut.append(character)
            bytes += size
        }
        return cut + "…"
    }

    /// Replaces every `{placeholder}` that names a variable (or an upstream alias of one) by
    /// its value, shell-quoted for where it stands in `command`, so no value can run as a
    /// command or split into several words, whatever it contains:
    /// - outside quotes: `'value'` (a `'` inside written `'\''`);
    /// - inside `'…'` of the template: the value with each `'` written `'\''`;
    /// - inside `"…"`: the double quote is closed, the value single-quoted, and it is
    ///   reopened (`"a {x} b"` becomes `"a "'value'" b"`).
    /// Each value is first bounded to `commandValueLimit` bytes. Other braces (shell `${VAR}`,
    /// awk blocks) are left alone.
    public func substitutePlaceholders(in command: String) -> String {
        var values: [String: String] = [:]
        for variable in variables { values[variable.placeholder] = variable.value }
        for (alias, name) in Self.placeholderAliases { values[alias] = values[name] }
        var quoting = ShellQuoting()
        var result = ""
        var rest = Substring(command)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "'" || $0 == "\"" || $0 == "\\" }) {
            let head = rest[..<open]
            result += head
            let character = rest[open]
            let afterOpen = rest.index(after: open)
            if character == "{", let close = rest[afterOpen...].firstIndex(of: "}"),
               let value = values[String(rest[afterOpen..<close])] {
                result += quoting.quote(Self.bounded(value, limit: Self.commandValueLimit))
                rest = rest[rest.index(after: close)...]
                continue
            }
            result.append(character)
            rest = rest[afterOpen...]
            if character == "\\", quoting.state != .single, let escaped = rest.first {
                // An escaped character is literal (outside quotes and inside "…"): `\'` opens nothing.
                result.append(escaped)
                rest = rest.dropFirst()
            } else {
                quoting.see(character)
            }
        }
        return result + rest
    }
}

/// Where a shell is in a command while it is read: outside quotes, inside `'…'` or `"…"`.
struct ShellQuoting {
    enum State { case none, single, double }

    var state = State.none

    mutating func see(_ character: Character) {
        switch (state, character) {
        case (.none, "'"): state = .single
        case (.single, "'"): state = .none
        case (.none, "\""): state = .double
        case (.double, "\""): state = .none
        default: break
        }
    }

    /// `value` as one literal word (or part of one) where the command currently stands.
    func quote(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "'": escaped += "'\\''"
            case "\u{0}": continue // a NUL would end the argv string early, leaving a quote open
            default: escaped.append(character)
            }
        }
        switch state {
        case .none: return "'" + escaped + "'"
        case .single: return escaped
        case .double: return "\"'" + escaped + "'\""
        }
    }
}

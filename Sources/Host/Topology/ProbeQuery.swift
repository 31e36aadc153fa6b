import Foundation
import HookAPI
import PGClient

/// The statements a probe runs. What cannot change while a connection lives (identity,
/// version) is read once per connection; everything else in one round trip per probe, on a
/// primary or a standby alike. Functions that fail during recovery (`pg_current_wal_lsn`,
/// `pg_walfile_name`) sit behind `CASE`, which PostgreSQL evaluates lazily for volatile calls.
enum ProbeQuery {
    /// Fixed for the life of a server process, hence of a connection.
    struct Identity: Sendable {
        var versionNumber: Int
        var version: String
        var systemIdentifier: String
        var fingerprint: String
    }

    static let identitySQL = """
        SELECT
          pg_catalog.current_setting('server_version_num') AS version_num,
          pg_catalog.current_setting('server_version') AS version,
          (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) AS system_identifier,
          extract(epoch FROM pg_catalog.pg_postmaster_start_time())::text AS started_at,
          pg_catalog.current_setting('data_directory') AS data_directory
        """

    static func parseIdentity(_ row: PGRow) throws(PGError) -> Identity {
        let systemIdentifier = try row.decode("system_identifier", as: String.self)
        return Identity(
            versionNumber: try row.decode("version_num", as: Int.self),
            version: try row.decode("version", as: String.self),
            systemIdentifier: systemIdentifier,
            fingerprint: "\(systemIdentifier)/\(try row.decode("started_at", as: String.self))/\(try row.decode("data_directory", as: String.self))")
    }

    static let statementName = "orchestrator_probe"

    static let sql = """
        SELECT
          pg_catalog.pg_is_in_recovery() AS in_recovery,
          CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL ELSE pg_catalog.pg_current_wal_lsn()::text END AS current_lsn,
          CASE WHEN pg_catalog.pg_is_in_recovery()
               THEN coalesce((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver), (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()))
               ELSE ('x' || pg_catalog.substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline,
          pg_catalog.pg_last_wal_receive_lsn()::text AS receive_lsn,
          pg_catalog.pg_last_wal_replay_lsn()::text AS replay_lsn,
          extract(epoch FROM pg_catalog.pg_last_xact_replay_timestamp())::float8 AS replay_ts,
          extract(epoch FROM pg_catalog.now())::float8 AS now_ts,
          CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END AS replay_paused,
          (SELECT pg_catalog.json_build_object('status', status, 'senderHost', sender_host, 'senderPort', sender_port,
                                    'slotName', slot_name, 'receivedTimeline', received_tli)::text
             FROM pg_catalog.pg_stat_wal_receiver) AS wal_receiver,
          (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
                    'applicationName', a.application_name, 'clientAddress', pg_catalog.host(a.client_addr),
                    'clientHostname', a.client_hostname, 'state', w.state, 'sentLSN', w.sent_lsn::text,
                    'flushLSN', w.flush_lsn::text, 'replayLSN', w.replay_lsn::text, 'syncState', w.sync_state,
                    'replayLagSeconds', extract(epoch FROM w.replay_lag)::float8))::text, '[]')
             -- pg_stat_replication without its view: only the WAL senders' own activity rows.
             FROM pg_catalog.pg_stat_get_wal_senders() w, LATERAL pg_catalog.pg_stat_get_activity(w.pid) a) AS replicas,
          pg_catalog.current_setting('synchronous_standby_names') AS synchronous_standby_names,
          pg_catalog.current_setting('primary_conninfo') AS primary_conninfo,
          pg_catalog.current_setting('primary_slot_name') AS primary_slot_name,
          pg_catalog.current_setting('cluster_name') AS cluster_name,
          pg_catalog.current_setting('wal_receiver_timeout') AS wal_receiver_timeout,
          pg_catalog.current_setting('default_transaction_read_only') AS default_transaction_read_only,
          pg_catalog.current_setting('wal_log_hints') AS wal_log_hints,
          pg_catalog.current_setting('data_checksums') AS data_checksums,
          pg_catalog.current_setting('port') AS port
        """

    private struct RawReceiver: Decodable {
        var status: String?
        var senderHost: String?
        var senderPort: Int?
        var slotName: String?
        var receivedTimeline: Int?
    }

    private struct RawReplica: Decodable {
        var applicationName: String?
        var clientAddress: String?
        var clientHostname: String?
        var state: String?
        var sentLSN: String?
        var flushLSN: String?
        var replayLSN: String?
        var syncState: String?
        var replayLagSeconds: Double?
    }

    /// What rarely changes between two probes of an instance, decoded once per change: its
    /// `primary_conninfo` (parsed, without secrets) and its WAL receiver. Decoding both at
    /// every probe cost a tenth of a core at 1,000 instances polled every second.
    struct Memo: Sendable {
        private var conninfoRaw: String?
        private var conninfo = ConnInfo()
        private var conninfoText = ""
        private var receiverRaw: String?
        private var receiver: InstanceProbe.WalReceiver?

        /// The parameters without secrets, and their text.
        mutating func conninfo(_ text: String) -> (ConnInfo, text: String) {
            if text != conninfoRaw {
                conninfoRaw = text
                // Stored, served by the API and shown to plugins: no password, sslpassword or other secret.
                conninfo = ((try? ConnInfo(parsing: text)) ?? ConnInfo()).withoutSecrets
                conninfoText = conninfo.text
            }
            return (conninfo, conninfoText)
        }

        /// The receiver row (JSON from the probe), nil when none runs or it cannot be read.
        mutating func receiver(_ text: String?) -> InstanceProbe.WalReceiver? {
            if text != receiverRaw {
                receiverRaw = text
                receiver = text.flatMap { try? JSONDecoder().decode(RawReceiver.self, from: Data($0.utf8)) }.map { raw in
                    .init(status: raw.status ?? "", senderHost: raw.senderHost, senderPort: raw.senderPort,
                          slotName: raw.slotName, receivedTimeline: raw.receivedTimeline)
                }
            }
            return receiver
        }
    }

    static func parse(_ row: PGRow, identity: Identity, endpoint: String) throws(PGError) -> InstanceProbe {
        var memo = Memo()
        return try parse(row, identity: identity, endpoint: endpoint, memo: &memo)
    }

    static func parse(_ row: PGRow, identity: Identity, endpoint: String, memo: inout Memo) throws(PGError) -> InstanceProbe {
        func lsn(_ column: String) throws(PGError) -> LSN? { try row.decodeIfPresent(column, as: LSN.self) }
        let isPrimary = !(try row.decode("in_recovery", as: Bool.self))
        let receiveLSN = try lsn("receive_lsn")
        let replayLSN = try lsn("replay_lsn")
        // Numbers a real server cannot send (non-finite, or beyond ~31,700 years) are discarded
        // here, so every lag and age computed from them below and later stays finite: an
        // infinite lag trapped `Int(lag)` in the analyzer and made every topology save fail.
        let replayTS = (try? row.decodeIfPresent("replay_ts", as: Double.self))??.plausible
        guard let now = try row.decode("now_ts", as: Double.self).plausible else {
            throw PGError(.decoding, endpoint: endpoint, operation: "probe", message: "now() is not a plausible epoch: \(try row.text("now_ts") ?? "NULL")")
        }
        var lag: Double?
        if !isPrimary {
            if let receiveLSN, let replayLSN, replayLSN >= receiveLSN {
                lag = 0
            } else if let replayTS {
                lag = max(0, now - replayTS)
            }
        }
        let decoder = JSONDecoder()
        let receiver = memo.receiver(try row.text("wal_receiver"))
        let replicasText = try row.text("replicas") ?? "[]"
        guard let rawReplicas = try? decoder.decode([RawReplica].self, from: Data(replicasText.utf8)) else {
            throw PGError(.decoding, endpoint: endpoint, operation: "probe", message: "unreadable pg_stat_replication rows")
        }
        let replicas = rawReplicas.map { r in
            InstanceProbe.ReplicationRow(
                applicationName: r.applicationName ?? "", clientAddress: r.clientAddress, clientHostname: r.clientHostname,
                state: r.state, sentLSN: r.sentLSN.flatMap { LSN($0) }, flushLSN: r.flushLSN.flatMap { LSN($0) },
                replayLSN: r.replayLSN.flatMap { LSN($0) }, syncState: r.syncState, replayLagSeconds: r.replayLagSeconds?.plausible)
        }
        let (conninfo, conninfoText) = memo.conninfo(try row.text("primary_conninfo") ?? "")
        return InstanceProbe(
            isPrimary: isPrimary,
            versionNumber: identity.versionNumber,
            version: identity.version,
            systemIdentifier: identity.systemIdentifier,
            fingerprint: identity.fingerprint,
            timeline: try row.decodeIfPresent("timeline", as: Int.self),
            currentLSN: try lsn("current_lsn"),
            receiveLSN: receiveLSN,
            replayLSN: replayLSN,
            replayTimestamp: replayTS.map { Date(timeIntervalSince1970: $0) },
            lagSeconds: lag,
            replayPaused: try row.decode("replay_paused", as: Bool.self),
            walReceiver: receiver,
            replicas: replicas,
            settings: .init(
                synchronousStandbyNames: try row.decode("synchronous_standby_names", as: String.self),
                primaryConnInfo: conninfoText,
                primarySlotName: try row.decode("primary_slot_name", as: String.self),
                clusterName: try row.decode("cluster_name", as: String.self),
                walReceiverTimeout: try row.decode("wal_receiver_timeout", as: String.self),
                defaultTransactionReadOnly: try row.decode("default_transaction_read_only", as: Bool.self),
                walLogHints: try row.decode("wal_log_hints", as: Bool.self),
                dataChecksums: try row.decode("data_checksums", as: Bool.self),
                port: try row.decode("port", as: Int.self),
                conninfoHost: (conninfo["host"] ?? conninfo["hostaddr"])?.split(separator: ",").first.map(String.init),
                conninfoPort: conninfo["port"].flatMap { Int($0.split(separator: ",").first ?? "") },
                conninfoApplicationName: conninfo["application_name"]),
            probedAt: Date(timeIntervalSince1970: now),
            detectedClusterAlias: nil)
    }
}

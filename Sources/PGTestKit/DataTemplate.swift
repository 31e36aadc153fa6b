import Foundation

/// `initdb`-ed data directories with our settings and roles, made ahead of need: each primary
/// takes one (so every cluster has its own system identifier, as real clusters do), and taking
/// one starts `initdb` of the next in the background, so only a process's first topology waits
/// for `initdb`.
actor DataTemplate {
    static let shared = DataTemplate()
    private var next: [Int: Task<String, any Error>] = [:]
    private var counter = 0

    /// A fresh data directory, to be moved into place by the caller.
    func take(for installation: PGInstallation, under root: String) async throws -> String {
        let task = next[installation.major] ?? makeTask(installation, root)
        next[installation.major] = makeTask(installation, root)
        return try await task.value
    }

    private func makeTask(_ installation: PGInstallation, _ root: String) -> Task<String, any Error> {
        counter += 1
        let dir = "\(root)/template-\(installation.major)-\(counter)"
        return Task { try await Self.make(installation, at: dir) }
    }

    private static func make(_ installation: PGInstallation, at dir: String) async throws -> String {
        let pwfile = "\(dir).pw"
        try "bootstrap-\(UUID().uuidString)\n".write(toFile: pwfile, atomically: true, encoding: .utf8)
        try Workspace.chownToPostgresUser(pwfile)
        defer { try? FileManager.default.removeItem(atPath: pwfile) }
        try await Command.asPostgresUser(installation.tool("initdb"), [
            "-D", dir, "-U", "postgres", "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--locale=C", "--no-sync",
        ]).run()
        try Workspace.append(Self.settings, to: "\(dir)/postgresql.conf")
        try Workspace.write(Self.hba, to: "\(dir)/pg_hba.conf")
        // Single-user mode runs SQL without starting a server.
        try await Command.asPostgresUser(installation.tool("postgres"), ["--single", "-D", dir, "-j", "postgres"], stdin: """
            CREATE ROLE \(TestCredentials.user) SUPERUSER LOGIN PASSWORD '\(TestCredentials.password)';
            CREATE ROLE \(TestCredentials.replicationUser) REPLICATION LOGIN PASSWORD '\(TestCredentials.replicationPassword)';

            """).run()
        return dir
    }

    /// Fast and small: no fsync (test data is disposable), small buffers, quick feedback.
    static let settings = """

        # --- orchestrator test harness ---
        fsync = off
        synchronous_commit = on
        shared_buffers = 16MB
        max_connections = 60
        max_worker_processes = 4
        max_parallel_workers = 0
        wal_level = replica
        max_wal_senders = 10
        max_replication_slots = 10
        wal_keep_size = 128MB
        hot_standby = on
        hot_standby_feedback = on
        wal_receiver_status_interval = 1s
        wal_log_hints = on
        autovacuum = off
        log_min_messages = warning
        log_line_prefix = '%m [%p] '
        password_encryption = 'scram-sha-256'
        include_if_exists = 'instance.conf'

        """

    static let hba = """
        local all all trust
        local replication all trust
        host all all 0.0.0.0/0 scram-sha-256
        host all all ::/0 scram-sha-256
        host replication all 0.0.0.0/0 scram-sha-256
        host replication all ::/0 scram-sha-256

        """
}

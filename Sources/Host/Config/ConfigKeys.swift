/// THE key table: every top-level key the loader understands, in reference order. Parsing,
/// validation, the redacted rendering and `docs/config.md` are all driven by these rows.
/// Keys accepted only for compatibility are in `ConfigKeys+Ignored.swift`; the keys of a block a
/// compiled-in plugin owns are in that plugin (`ConfigBlock`).
enum ConfigKeys {
    typealias Key = ConfigKeyDescriptor<Configuration>

    static let all: [Key] = honoured + ignored

    static let honoured: [Key] = general + postgresql + http + backend + discovery + analysis + clusters
        + recovery + hooks + plugins

    // MARK: general

    static let general: [Key] = [
        .flag("Debug", \.debug, .general, doc: "Verbose (debug) logging."),
        .text("ProviderType", \.providerType, .general, typeName: "string, \"postgresql\"", check: { value in
            switch value {
            case "postgresql": nil
            case let other where other.lowercased() == "mysql":
                "\"postgresql\" (this build manages PostgreSQL only; use upstream Orchestrator for MySQL)"
            default: "\"postgresql\""
            }
        }, doc: "Database provider. Only `\"postgresql\"` is accepted; `\"mysql\"` is refused with a clear message "
            + "(upstream's default is `\"mysql\"`, ours is `\"postgresql\"`)."),
    ]

    // MARK: PostgreSQL

    static let postgresql: [Key] = [
        .text("PostgreSQLTopologyUser", \.postgresql.topologyUser, .postgresql,
              doc: "Login used on every managed instance: needs `pg_monitor` for probing and the rights recovery uses "
                + "(`pg_promote`, `ALTER SYSTEM`, `pg_reload_conf`: superuser or explicit grants), and a `pg_hba.conf` "
                + "entry on every instance."),
        .secret("PostgreSQLTopologyPassword", \.postgresql.topologyPassword, .postgresql,
              doc: "Password of `PostgreSQLTopologyUser`. Usually `\"${PGPASSWORD}\"` or similar."),
        .choice("PostgreSQLSSLMode", \.postgresql.sslMode, .postgresql,
                doc: "libpq `sslmode` for connections to managed instances (default as the Orchestrator fork). "
                    + "`require` encrypts but does not check who answers; `verify-full` (with "
                    + "`PostgreSQLTopologySSLCAFile`) makes every server prove its name before the password is sent."),
        .text("PostgreSQLTopologySSLCAFile", \.postgresql.sslRootCertFile, .postgresql,
              doc: "libpq `sslrootcert`: PEM CA bundle the servers' certificates must chain to under `verify-ca` and "
                + "`verify-full` (`\"\"`: libpq's default, `~/.postgresql/root.crt` of the daemon's user)."),
        .text("PostgreSQLTopologySSLCertFile", \.postgresql.sslCertFile, .postgresql,
              doc: "libpq `sslcert`: client certificate presented to the servers (`cert` authentication)."),
        .text("PostgreSQLTopologySSLPrivateKeyFile", \.postgresql.sslKeyFile, .postgresql,
              doc: "libpq `sslkey`: key of `PostgreSQLTopologySSLCertFile` (mode 0600, owned by the daemon's user)."),
        .text("PostgreSQLTopologySSLCRLFile", \.postgresql.sslCRLFile, .postgresql,
              doc: "libpq `sslcrl`: certificate revocation list checked under `verify-ca`/`verify-full`."),
        .choice("PostgreSQLChannelBinding", \.postgresql.channelBinding, .postgresql,
                doc: "libpq `channel_binding`. `require` refuses a server that does not prove, with SCRAM channel "
                    + "binding over TLS, that it knows the password: a man in the middle or a fake server then gets "
                    + "neither the password nor a hash of it. Needs TLS and `scram-sha-256` in `pg_hba.conf`."),
        .port("DefaultInstancePort", \.postgresql.defaultInstancePort, .postgresql,
              doc: "Port assumed for a seed or a standby found without one (`pg_stat_replication` has no listening "
                + "port). Upstream defaults to 3306, a known pitfall; ours is 5432."),
        .integer("PostgreSQLConnectTimeoutSeconds", \.postgresql.connectTimeoutSeconds, .postgresql, unit: .seconds,
                 minimum: 1, doc: "Deadline for opening a connection to a managed instance."),
        .integer("PostgreSQLProbeTimeoutSeconds", \.postgresql.probeTimeoutSeconds, .postgresql, unit: .seconds,
                 minimum: 1, doc: "Deadline for the queries of one probe; it holds against a frozen server."),
        .text("PostgreSQLDatabase", \.postgresql.database, .postgresql, check: nonEmpty("a database name"),
              doc: "Database to connect to on every managed instance."),
    ]

    // MARK: HTTP

    static let http: [Key] = [
        .text("ListenAddress", \.http.listenAddress, .http, typeName: "string, `[host]:port`", check: { value in
            guard case .failure = HostPort.parse(value, defaultPort: nil, allowEmptyHost: true) else { return nil }
            return "[host]:port with a port from 1 to 65535, like \":3000\", \"127.0.0.1:3000\" or \"[::1]:3000\""
        }, doc: "TCP address of the HTTP API and web UI. An empty host listens on all interfaces."),
        .text("ListenSocket", \.http.listenSocket, .http,
              doc: "Unix socket path for the HTTP API; when set, TCP (`ListenAddress`) is not used. The socket file "
                + "is replaced at start and gets mode 0660: its owner and group may connect."),
        .text("URLPrefix", \.http.urlPrefix, .http, check: checkURLPrefix, normalize: normalizeURLPrefix,
              doc: "Path prefix when running behind a reverse proxy, e.g. `/orchestrator`. Normalised as upstream: "
                + "a leading `/` is added and trailing ones removed. Segments may hold letters, digits and `.-_~` "
                + "only (no empty, `.`, `..`, `:capture` or `*` segments)."),
        .text("StatusEndpoint", \.http.statusEndpoint, .http, check: { value in
            value.hasPrefix("/") ? nil : "a path starting with \"/\""
        }, doc: "Path of the status (health) endpoint, under `URLPrefix`; served like `/api/status`, open to "
            + "everyone, in addition to it."),
        .flag("ReadOnly", \.http.readOnly, .http, doc: "Refuse every state-changing API call and UI action."),
        .text("WebMessage", \.http.webMessage, .http, doc: "Banner shown on every web UI page."),
        .flag("PrometheusEnabled", \.http.prometheusEnabled, .http, doc: "Serve Prometheus metrics on `/metrics`."),
        .text("RemoveTextFromHostnameDisplay", \.http.removeTextFromHostnameDisplay, .http,
              doc: "Text stripped from host names in the web UI (cosmetic)."),
        .choice("AuthenticationMethod", \.http.authenticationMethod, .http, special: [
            "proxy": "one of \"\", \"basic\", \"multi\" (\"proxy\" header authentication is not supported by this build)",
            "token": "one of \"\", \"basic\", \"multi\" (\"token\" authentication is not supported by this build)",
            "oauth": "one of \"\", \"basic\", \"multi\" (OAuth is not supported by this build)",
        ], doc: "`\"\"` (none), `\"basic\"` (one user) or `\"multi\"` (also user `readonly` with any password, "
            + "read-only). `basic` and `multi` need `HTTPAuthUser`. Upstream's `proxy`, `token` and `oauth` are refused."),
        .text("HTTPAuthUser", \.http.authUser, .http, doc: "Basic-auth user name."),
        .secret("HTTPAuthPassword", \.http.authPassword, .http, doc: "Basic-auth password."),
        .flag("UseSSL", \.http.useSSL, .http, doc: "Serve HTTPS. Needs `SSLCertFile` and `SSLPrivateKeyFile` (readable)."),
        .text("SSLCertFile", \.http.sslCertFile, .http, doc: "PEM certificate (chain) for HTTPS."),
        .text("SSLPrivateKeyFile", \.http.sslPrivateKeyFile, .http, doc: "PEM private key for HTTPS."),
        .text("SSLCAFile", \.http.sslCAFile, .http, doc: "PEM CA bundle that client certificates must chain to (mutual TLS)."),
        .flag("UseMutualTLS", \.http.useMutualTLS, .http,
              doc: "Require client certificates signed by `SSLCAFile`. Needs `UseSSL` and `SSLCAFile`."),
        .flag("AllowRemoteUnauthenticatedWrites", \.http.allowRemoteUnauthenticatedWrites, .http,
              doc: "With `AuthenticationMethod` `\"\"` the API accepts state-changing requests from loopback clients "
                + "and the Unix socket only (protected mode; reads stay open). `true` accepts them from anywhere, "
                + "as upstream does; better set `AuthenticationMethod`."),
        .integer("MaxAPIConnections", \.http.maxConnections, .http, unit: .count, minimum: 1, maximum: 1_000_000,
                 doc: "API connections open at once. Further clients wait in the listen backlog, so idle or slow "
                    + "clients cannot take the file descriptors a failover needs."),
        .integer("APIIdleTimeoutSeconds", \.http.idleTimeoutSeconds, .http, unit: .seconds, minimum: 1, maximum: 86_400,
                 doc: "An API connection that completes no request for this long (idle keep-alive, or headers "
                    + "trickling in) is closed."),
    ]

    // MARK: backend and audit

    static let backend: [Key] = [
        .text("BackendDB", \.backend.backendDB, .backend, typeName: "string, \"sqlite\" or \"sqlite3\"", check: { value in
            switch value {
            case "sqlite", "sqlite3": nil
            case "mysql": "\"sqlite\" or \"sqlite3\" (this build keeps its state in SQLite; a MySQL backend is not supported)"
            default: "\"sqlite\" or \"sqlite3\""
            }
        }, doc: "Backend store for the daemon's own state. Upstream defaults to `\"mysql\"`; ours is `\"sqlite\"`."),
        .text("SQLite3DataFile", \.backend.sqlite3DataFile, .backend, check: nonEmpty("a file path"),
              doc: "Path of the SQLite database file (its directory must be writable)."),
        .text("AuditLogFile", \.audit.logFile, .backend, doc: "File that audit entries are appended to; `\"\"` disables it."),
        .flag("AuditToSyslog", \.audit.toSyslog, .backend, doc: "Also send audit entries to syslog."),
        .flag("AuditToBackendDB", \.audit.toBackendDB, .backend,
              doc: "Store audit entries (every API write: user, source address, route, outcome) in the backend, "
                + "served at `/api/audit`. Upstream defaults to `false`; ours is `true`."),
        .integer("AuditPurgeDays", \.audit.purgeDays, .backend, unit: .days, minimum: 1,
                 doc: "Audit entries, ended recoveries with their steps, and instance role changes older than this "
                    + "are purged (hourly)."),
    ]

    // MARK: discovery

    static let discovery: [Key] = [
        .integer("InstancePollSeconds", \.discovery.instancePollSeconds, .discovery, unit: .seconds, minimum: 1,
                 doc: "Interval between probes of each instance. A lost connection triggers an immediate re-probe, "
                    + "so failure detection does not wait for it."),
        .integer("ReasonableInstanceCheckSeconds", \.discovery.reasonableInstanceCheckSeconds, .discovery, unit: .seconds,
                 minimum: 0, doc: "Slack after `InstancePollSeconds` before an instance's last check counts as late."),
        .list("DiscoverySeeds", \.discovery.seeds, .discovery, typeName: "list of `host:port`", check: { value in
            guard case .failure = HostPort.parse(value, defaultPort: 5432, allowEmptyHost: false) else { return nil }
            return "host:port with a port from 1 to 65535 (or just a host, for DefaultInstancePort), "
                + "like \"pg1:5432\" or \"[fd00::1]:5432\""
        }, doc: "Instances discovered at start-up. A seed without a port uses `DefaultInstancePort`; write IPv6 "
            + "addresses in brackets. Resolved list: `config.discoverySeedAddresses`."),
        .integer("DiscoveryMaxConcurrency", \.discovery.maxConcurrency, .discovery, unit: .count, minimum: 1,
                 doc: "Probes in flight at once."),
        .patterns("DiscoveryIgnoreHostnameFilters", \.discovery.ignoreHostnameFilters, .discovery,
                  doc: "Never discover hosts matching any of these regexes."),
        .list("DiscoveryAllowedNetworks", \.discovery.allowedNetworks, .discovery, typeName: "list of networks",
              check: { value in
            Network(value) == nil ? "an address or a network in CIDR notation, like \"10.0.0.0/8\" or \"fd00::/8\"" : nil
        }, doc: "Networks the daemon may connect to: seeds, `/api/discover`, the crawl and recoveries. A host is "
            + "resolved and its address checked before any connection is made; the connection then goes to that "
            + "address. Empty (the default) allows every address. Set it, e.g. `[\"10.0.0.0/8\"]`, so that no "
            + "monitored server or API caller can make the daemon send its password elsewhere."),
        .patterns("DiscoveryIgnoreReplicaHostnameFilters", \.discovery.ignoreReplicaHostnameFilters, .discovery,
                  doc: "Do not discover standbys matching these regexes when walking down from a primary."),
        .patterns("DiscoveryIgnoreMasterHostnameFilters", \.discovery.ignorePrimaryHostnameFilters, .discovery,
                  doc: "Do not discover upstreams matching these regexes when walking up from a standby."),
        .integer("UnseenInstanceForgetHours", \.discovery.unseenInstanceForgetHours, .discovery, unit: .hours, minimum: 1,
                 doc: "Forget an instance that has not been seen for this long."),
        .choice("HostnameResolveMethod", \.discovery.hostnameResolveMethod, .discovery,
                doc: "How host names are normalised: `none` (as given; best for IP-only set-ups), `default` "
                    + "(canonical name), `cname` (follow CNAME), `ip` (resolve to an address)."),
        .decimal("DeadInstancePollSecondsMultiplyFactor", \.discovery.deadInstancePollSecondsMultiplyFactor, .discovery,
                 minimum: 1, doc: "Back-off factor between probes of an unreachable instance (1 = no back-off)."),
        .integer("DeadInstancePollSecondsMax", \.discovery.deadInstancePollSecondsMax, .discovery, unit: .seconds,
                 minimum: 1, doc: "Cap of that back-off; must be >= `InstancePollSeconds`."),
    ]

    // MARK: analysis

    static let analysis: [Key] = [
        .integer("ReasonableReplicationLagSeconds", \.analysis.reasonableReplicationLagSeconds, .analysis, unit: .seconds,
                 minimum: 0, doc: "Lag above this is reported as `StandbyLagging`."),
        .integer("ReasonableMaintenanceReplicationLagSeconds", \.analysis.reasonableMaintenanceReplicationLagSeconds,
                 .analysis, unit: .seconds, minimum: 1,
                 doc: "A graceful switchover refuses a designated standby lagging more than this, and waits at most "
                    + "this long for it to replay the old primary's final LSN."),
        .patterns("ProblemIgnoreHostnameFilters", \.analysis.problemIgnoreHostnameFilters, .analysis,
                  doc: "Hide problems of matching hosts in the web UI (analysis itself is unaffected)."),
    ]

    // MARK: clusters

    static let clusters: [Key] = [
        clusterNameToAlias,
        .text("DetectClusterAliasQuery", \.clusters.detectClusterAliasQuery, .clusters,
              doc: "SQL run on a cluster's primary; one row, one column: the cluster alias. Runs with "
                + "`search_path=pg_catalog,pg_temp` and the probe deadline as `statement_timeout`: qualify your "
                + "tables (`SELECT alias FROM meta.cluster`)."),
        .text("DetectClusterDomainQuery", \.clusters.detectClusterDomainQuery, .clusters,
              doc: "SQL run on a cluster's primary; one row, one column: the cluster's domain (VIP / DNS name)."),
        .text("DetectInstanceAliasQuery", \.clusters.detectInstanceAliasQuery, .clusters,
              doc: "SQL run on each instance; one row, one column: the instance alias."),
        .text("DetectPromotionRuleQuery", \.clusters.detectPromotionRuleQuery, .clusters,
              doc: "SQL run on each instance; one row, one column: `prefer`, `neutral`, `prefer_not` or `must_not`."),
        .text("DataCenterPattern", \.clusters.dataCenterPattern, .clusters, typeName: "regex", check: regex,
              doc: "Regex with one group extracting the data centre from the host name."),
        .text("RegionPattern", \.clusters.regionPattern, .clusters, typeName: "regex", check: regex,
              doc: "Regex with one group extracting the region from the host name."),
        .text("PhysicalEnvironmentPattern", \.clusters.physicalEnvironmentPattern, .clusters, typeName: "regex",
              check: regex, doc: "Regex with one group extracting the environment from the host name."),
        .text("DetectDataCenterQuery", \.clusters.detectDataCenterQuery, .clusters,
              doc: "SQL returning the data centre of an instance; overrides `DataCenterPattern`."),
        .text("DetectRegionQuery", \.clusters.detectRegionQuery, .clusters,
              doc: "SQL returning the region of an instance; overrides `RegionPattern`."),
        .text("DetectPhysicalEnvironmentQuery", \.clusters.detectPhysicalEnvironmentQuery, .clusters,
              doc: "SQL returning the environment of an instance; overrides `PhysicalEnvironmentPattern`."),
    ]

    // MARK: recovery

    static let recovery: [Key] = [
        failureDetectionPeriodBlock,
        .integer("RecoveryPeriodBlockSeconds", \.recovery.periodBlockSeconds, .recovery, unit: .seconds, minimum: 0,
                 doc: "Anti-flapping: after a recovery of a cluster, no automated recovery of it for this long unless "
                    + "acknowledged. Two recoveries of one cluster never run at once, whatever this says."),
        recoveryPeriodBlockMinutes,
        .clusterFilters("RecoverMasterClusterFilters", \.recovery.recoverPrimaryClusterFilters, .recovery,
                  doc: "Clusters with automated primary recovery. Empty means none: opt-in, as upstream. Each entry is "
                    + "`\"*\"` (every cluster), a cluster name or alias (exact), `alias=<alias>` (exact), `alias~=<regex>` "
                    + "(regex found in the alias) or a regex found in the cluster name, as upstream's `filtersMatchCluster`. "
                    + "A filter that matches no known cluster is logged once.")
            .with(aliases: [.init(name: "RecoverPrimaryClusterFilters")]),
        .clusterFilters("RecoverIntermediateMasterClusterFilters", \.recovery.recoverIntermediatePrimaryClusterFilters, .recovery,
                  doc: "Clusters with automated `DeadIntermediatePrimary` recovery (re-pointing the children of a dead "
                    + "cascading standby); entries as `RecoverMasterClusterFilters`."),
        .patterns("RecoveryIgnoreHostnameFilters", \.recovery.recoveryIgnoreHostnameFilters, .recovery,
                  doc: "Failures of matching hosts are never recovered automatically."),
        .patterns("PromotionIgnoreHostnameFilters", \.recovery.promotionIgnoreHostnameFilters, .recovery,
                  doc: "Matching hosts are never promoted."),
        .integer("CandidateInstanceExpireMinutes", \.recovery.candidateInstanceExpireMinutes, .recovery, unit: .minutes,
                 minimum: 1, doc: "Lifetime of a `register-candidate` promotion rule."),
        .flag("FailRecoveryOnFailedPostFailoverProcesses", \.recovery.failRecoveryOnFailedPostFailoverProcesses,
              .recovery, doc: "A non-zero exit of a post-failover hook marks the recovery unsuccessful "
                + "(the topology change is not undone)."),
        .integer("MaxConcurrentReplicaOperations", \.recovery.maxConcurrentReplicaOperations, .recovery, unit: .count,
                 minimum: 1, doc: "Standbys re-pointed in parallel during a recovery."),
    ]

    // MARK: hooks

    static let hooks: [Key] = [
        .text("ProcessesShellCommand", \.hooks.shellCommand, .hooks, check: nonEmpty("a shell, like \"bash\""),
              doc: "Shell that runs each hook command as `<shell> -c \"<command>\"`."),
        .integer("HookTimeoutSeconds", \.hooks.timeoutSeconds, .hooks, unit: .seconds, minimum: 1,
                 doc: "Each hook command's process group is killed after this long; the timeout is recorded as a "
                    + "failure of that hook."),
        hookList("OnFailureDetectionProcesses", \.hooks.onFailureDetection,
                 "Run when a failure is detected, once per instance per detection block, before any recovery decision."),
        hookList("PreGracefulTakeoverProcesses", \.hooks.preGracefulTakeover,
                 "Run before a graceful switchover changes anything; a non-zero exit aborts it."),
        hookList("PreFailoverProcesses", \.hooks.preFailover,
                 "Run before a failover changes anything; a non-zero exit aborts (vetoes) the recovery."),
        hookList("PostMasterFailoverProcesses", \.hooks.postPrimaryFailover,
                 "Run once after a successful primary failover.")
            .with(aliases: [.init(name: "PostPrimaryFailoverProcesses")]),
        hookList("PostIntermediateMasterFailoverProcesses", \.hooks.postIntermediatePrimaryFailover,
                 "Run once after a successful `DeadIntermediatePrimary` recovery."),
        hookList("PostFailoverProcesses", \.hooks.postFailover, "Run once after any successful recovery."),
        hookList("PostUnsuccessfulFailoverProcesses", \.hooks.postUnsuccessfulFailover,
                 "Run when a recovery was attempted and failed (not when a pre-failover hook vetoed it)."),
        hookList("DemoteProcesses", \.hooks.demote,
                 "Run during a graceful switchover after the promotion and re-pointing, to turn the old primary into a "
                    + "standby of the new one (`ORC_FAILED_*` = old primary, `ORC_SUCCESSOR_*` = new primary); exit 0 = "
                    + "demoted, which the daemon then verifies. Empty (and no `demote` plugin): the old primary is left "
                    + "read-only and downtimed. See docs/switchover.md and plugins/demote/pg_ctl-demote.sh."),
        hookList("PostGracefulTakeoverProcesses", \.hooks.postGracefulTakeover,
                 "Run at the end of a graceful switchover."),
    ]

    // MARK: plugins

    static let plugins: [Key] = [
        .list("LuaScripts", \.plugins.luaScripts, .plugins, typeName: "list of file paths",
              doc: "Lua 5.4 plugin scripts loaded at start, in this order, after the built-in plugins. Re-read on "
                + "SIGHUP and `/api/reload-configuration`. See docs/plugins.md."),
        .list("HookDirectories", \.plugins.hookDirectories, .plugins, typeName: "list of directory paths",
              doc: "Drop-in directories: `DIR/<point>/NN-name.lua` or an executable `DIR/<point>/NN-name` (point in "
                + "snake_case, e.g. `post_failover`), run after `LuaScripts`, by directory then file name. Re-scanned "
                + "on SIGHUP and `/api/reload-configuration`."),
        .integer("PluginTimeoutSeconds", \.plugins.timeoutSeconds, .plugins, unit: .seconds, minimum: 1,
                 doc: "Wall-clock limit of one plugin call (built-in, Lua or drop-in executable); a drop-in's "
                   + "process group is killed at this limit."),
    ]
}

extension Configuration {
    /// The HTTP API and web UI: listener, authentication, TLS, display.
    package struct HTTP: Sendable, Equatable {
        /// `ListenAddress`, as written (validated: `[host]:port`).
        package var listenAddress = ":3000"
        /// `ListenSocket`: a Unix socket path; when set, TCP is not used (the socket file gets
        /// mode 0660, so its owner and group may connect).
        package var listenSocket = ""
        /// `URLPrefix`, normalised like Orchestrator: "" or "/prefix" (no trailing slash).
        package var urlPrefix = ""
        /// `StatusEndpoint`: one more path (under `URLPrefix`) answering as `/api/status`.
        package var statusEndpoint = "/api/status"
        /// `ReadOnly`: refuse every state-changing request.
        package var readOnly = false
        /// `WebMessage`: banner shown on every UI page.
        package var webMessage = ""
        /// `PrometheusEnabled`: serve `/metrics`.
        package var prometheusEnabled = true
        /// `RemoveTextFromHostnameDisplay`: cosmetic, UI only.
        package var removeTextFromHostnameDisplay = ""
        /// `AuthenticationMethod`.
        package var authenticationMethod = AuthenticationMethod.none
        /// `HTTPAuthUser`.
        package var authUser = ""
        /// `HTTPAuthPassword` (secret).
        package var authPassword: Secret = ""
        /// `UseSSL`: serve HTTPS.
        package var useSSL = false
        /// `SSLCertFile`.
        package var sslCertFile = ""
        /// `SSLPrivateKeyFile`.
        package var sslPrivateKeyFile = ""
        /// `SSLCAFile`: CA bundle for client certificates (mutual TLS).
        package var sslCAFile = ""
        /// `UseMutualTLS`: require client certificates signed by `SSLCAFile`.
        package var useMutualTLS = false
        /// `AllowRemoteUnauthenticatedWrites`: with `AuthenticationMethod ""`, accept writes from
        /// any address, not only from loopback and the Unix socket ("protected mode" off).
        package var allowRemoteUnauthenticatedWrites = false
        /// `MaxAPIConnections`: open API connections at once; further clients wait in the
        /// listen backlog, so the API can never take the file descriptors a failover needs.
        package var maxConnections = 512
        /// `APIIdleTimeoutSeconds`: a connection that sends no complete request for this long
        /// (idle keep-alive, or headers trickling in) is closed.
        package var idleTimeoutSeconds = 30

        package init() {}

        /// `listenAddress` parsed; the host is "" for all interfaces (`":3000"`).
        package var listen: HostPort {
            if case .success(let address) = HostPort.parse(listenAddress, defaultPort: nil, allowEmptyHost: true) {
                return address
            }
            return HostPort(host: "", port: 3000)
        }

        /// Protected mode: no authentication and not explicitly opened up, so writes are
        /// accepted from local clients only (loopback addresses and the Unix socket).
        package var writesFromLocalClientsOnly: Bool {
            authenticationMethod == .none && !allowRemoteUnauthenticatedWrites
        }
    }

    /// `AuthenticationMethod` values this build supports.
    package enum AuthenticationMethod: String, Sendable, Equatable, CaseIterable {
        /// `""`: no authentication.
        case none = ""
        /// `"basic"`: one user, `HTTPAuthUser` / `HTTPAuthPassword`.
        case basic
        /// `"multi"`: like basic, plus user `readonly` with any password, read-only.
        case multi
    }
}

/// A failure talking to a PostgreSQL server (or anything that speaks its protocol, such as
/// ProxySQL's admin port): what was attempted, against which endpoint, and what went wrong.
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// Extensible: new kinds of failure can be added without breaking callers that switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The connection could not be established (refused, authentication, bad parameters).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// The operation did not finish before its deadline; the connection was closed.
        public static let timeout = Code(name: "timeout")
        /// The server answered the statement with an error (see `sqlState`).
        public static let serverError = Code(name: "serverError")
        /// An established connection broke.
        public static let connectionLost = Code(name: "connectionLost")
        /// The connection was closed by us before or during the operation.
        public static let closed = Code(name: "closed")
        /// The calling task was cancelled.
        public static let cancelled = Code(name: "cancelled")
        /// A value in a result did not have the expected type or was missing.
        public static let decoding = Code(name: "decoding")
        /// A parameter we were asked to send cannot be sent (for example a NUL byte).
        public static let invalidInput = Code(name: "invalidInput")
        /// The result was larger than the caller's limit; the connection was closed.
        public static let resultTooLarge = Code(name: "resultTooLarge")
    }

    public var code: Code
    /// `host:port` (or socket directory) of the server.
    public var endpoint: String
    /// What we were doing: `connect`, `query`, ...
    public var operation: String
    /// The primary message, from the server or from libpq.
    public var message: String
    public var sqlState: String?
    public var detail: String?
    public var hint: String?

    public init(
        _ code: Code, endpoint: String, operation: String, message: String,
        sqlState: String? = nil, detail: String? = nil, hint: String? = nil
    ) {
        self.code = code
        self.endpoint = endpoint
        self.operation = operation
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var text = "\(endpoint): \(operation): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += " DETAIL: \(detail)" }
        if let hint { text += " HINT: \(hint)" }
        return text
    }
}

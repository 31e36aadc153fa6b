internal import CLibPQ
import Foundation

/// One libpq connection, driven without ever blocking a thread.
///
/// Connect and query use libpq's asynchronous API; whenever libpq would block, the actor
/// suspends on `SocketPoller` until the socket is ready or the operation's deadline passes.
/// A deadline that passes closes the connection: after a timeout its protocol state is unknown,
/// and a fresh connection is cheaper than guessing. The statement is cancelled on the server
/// first (`PGCancel`), so no backend keeps working, or waiting on a lock, for nobody.
/// Statements on one connection run one at a time, in call order.
public actor PGConnection {
    /// `host:port` (or the socket directory), for messages.
    public nonisolated let endpoint: String
    private let handle: Handle
    private var conn: OpaquePointer? { handle.raw }
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []

    /// Owns the `PGconn`; frees it when the connection actor goes away.
    private final class Handle {
        var raw: OpaquePointer?
        init(_ raw: OpaquePointer) { self.raw = raw }
        func close() {
            if let raw { PQfinish(raw) }
            raw = nil
        }
        deinit { close() }
    }

    private init(conn: OpaquePointer, endpoint: String) {
        self.handle = Handle(conn)
        self.endpoint = endpoint
    }

    /// Opens a connection with the parameters of `conninfo`, within `timeout` (name resolution,
    /// TCP, TLS and authentication included).
    public static func connect(_ conninfo: ConnInfo, timeout: Duration) async throws(PGError) -> PGConnection {
        let deadline = ContinuousClock.now + timeout
        let endpoint = Self.endpointName(conninfo)
        var params = conninfo
        if let host = params["host"], params["hostaddr"] == nil, HostResolver.needsLookup(host) {
            params["hostaddr"] = try await HostResolver.resolve(host, endpoint: endpoint, deadline: deadline)
        }
        let conn = try Self.start(params, endpoint: endpoint)
        do {
            try await Self.poll(conn, endpoint: endpoint, deadline: deadline)
        } catch {
            PQfinish(conn)
            throw error
        }
        PQsetnonblocking(conn, 1)
        clibpq_silence_notices(conn)
        return PGConnection(conn: conn, endpoint: endpoint)
    }

    /// Whether the connection is still open (it closes itself after a timeout or a broken link).
    public var isOpen: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    public func close() {
        handle.close()
    }

    /// While no statement runs, waits until the server sends something unprompted (usually
    /// the connection closing: a backend that exits, a server that stops) or the deadline.
    /// True if the socket became readable. This is how a dead server is noticed at once
    /// instead of at the next poll.
    /// `wakeup` ends the wait early from elsewhere. Without an open, idle connection this is a
    /// plain wait for the deadline (or the wake-up).
    package func waitForServerActivity(until deadline: ContinuousClock.Instant, wakeup: PGWakeup? = nil) async -> Bool {
        let fd: Int32 = if !busy, let conn, PQstatus(conn) == CONNECTION_OK { PQsocket(conn) } else { -1 }
        return await SocketPoller.shared.wait(fd: fd, for: .read, until: deadline, interruption: wakeup?.interruption) == .ready
    }

    /// Runs one statement with `$1…$n` parameters through the extended protocol
    /// (`PQsendQueryParams`); values travel separately from the SQL text.
    ///
    /// With `resultLimit`, rows arrive one at a time (`PQsetSingleRowMode`) and the query
    /// fails with `.resultTooLarge` (closing the connection) as soon as the values received
    /// pass that many bytes: an unbounded result never sits in memory whole (libpq still
    /// holds one row).
    public func query(_ sql: String, _ parameters: [String?] = [], timeout: Duration, resultLimit: Int? = nil) async throws(PGError) -> PGResult {
        let results = try await run(timeout: timeout, operation: "query", resultLimit: resultLimit) { conn throws(PGError) in
            try Self.withCStrings(parameters, endpoint: self.endpoint) { values throws(PGError) in
                guard PQsendQueryParams(conn, sql, Int32(values.count), nil, values, nil, nil, 0) == 1 else {
                    throw self.libpqError(.connectionLost, "send query")
                }
            }
            if resultLimit != nil { _ = PQsetSingleRowMode(conn) }
        }
        return try lastResult(results)
    }

    /// Prepares `sql` once under `name` on this connection (`PQsendPrepare`), so that repeated
    /// executions skip parsing and planning on the server.
    public func prepare(_ name: String, _ sql: String, timeout: Duration) async throws(PGError) {
        _ = try await run(timeout: timeout, operation: "prepare") { conn throws(PGError) in
            guard PQsendPrepare(conn, name, sql, 0, nil) == 1 else { throw self.libpqError(.connectionLost, "prepare") }
        }
    }

    /// Executes a statement prepared with `prepare` (`PQsendQueryPrepared`).
    public func execute(_ name: String, _ parameters: [String?] = [], timeout: Duration) async throws(PGError) -> PGResult {
        let results = try await run(timeout: timeout, operation: "query") { conn throws(PGError) in
            try Self.withCStrings(parameters, endpoint: self.endpoint) { values throws(PGError) in
                guard PQsendQueryPrepared(conn, name, Int32(values.count), values, nil, nil, 0) == 1 else {
                    throw self.libpqError(.connectionLost, "send query")
                }
            }
        }
        return try lastResult(results)
    }

    private func lastResult(_ results: [PGResult]) throws(PGError) -> PGResult {
        guard let last = results.last else {
            throw PGError(.serverError, endpoint: endpoint, operation: "query", message: "no result")
        }
        return last
    }

    /// Runs SQL text through the simple-query protocol (`PQsendQuery`), returning one result
    /// per statement. Needed for servers that refuse the extended protocol (ProxySQL's admin
    /// port) and for utility commands; build the text with `SQLQuote` only.
    public func simpleQuery(_ sql: String, timeout: Duration) async throws(PGError) -> [PGResult] {
        try await run(timeout: timeout, operation: "query") { conn throws(PGError) in
            guard PQsendQuery(conn, sql) == 1 else { throw self.libpqError(.connectionLost, "send query") }
        }
    }

    // MARK: - Driving libpq

    private func run(
        timeout: Duration, operation: String, resultLimit: Int? = nil, send: (OpaquePointer) throws(PGError) -> Void
    ) async throws(PGError) -> [PGResult] {
        let deadline = ContinuousClock.now + timeout
        await acquire()
        defer { release() }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            throw PGError(.closed, endpoint: endpoint, operation: operation, message: "connection is closed; reconnect")
        }
        do {
            try send(conn)
            try await flush(conn, deadline: deadline, operation: operation)
            return try await collect(conn, deadline: deadline, operation: operation, resultLimit: resultLimit)
        } catch {
            // Given up on (deadline, or the caller's task cancelled): the server must give up too.
            if error.code == .timeout || error.code == .cancelled { PGCancel.send(for: conn, endpoint: endpoint) }
            if error.code != .serverError { close() }
            throw error
        }
    }

    private func flush(_ conn: OpaquePointer, deadline: ContinuousClock.Instant, operation: String) async throws(PGError) {
        while true {
            switch PQflush(conn) {
            case 0: return
            case 1: try await waitFor(.write, conn, deadline: deadline, operation: operation)
            default: throw libpqError(.connectionLost, operation)
            }
        }
    }

    private func collect(_ conn: OpaquePointer, deadline: ContinuousClock.Instant, operation: String,
                         resultLimit: Int? = nil) async throws(PGError) -> [PGResult] {
        var results: [PGResult] = []
        var failure: PGError?
        // Single-row mode: the rows of the current result, and the bytes received so far.
        var pending: [[String?]] = []
        var received = 0
        while true {
            guard PQconsumeInput(conn) == 1 else { throw libpqError(.connectionLost, operation) }
            while PQisBusy(conn) == 0 {
                guard let result = PQgetResult(conn) else {
                    if let failure { throw failure }
                    return results
                }
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_SINGLE_TUPLE:
                    if let resultLimit {
                        received += (0..<PQnfields(result)).reduce(16) { $0 + Int(PQgetlength(result, 0, $1)) }
                        if received > resultLimit {
                            throw PGError(.resultTooLarge, endpoint: endpoint, operation: operation,
                                          message: "the result is larger than \(resultLimit) bytes; select fewer rows or columns")
                        }
                    }
                    pending.append(Self.copy(result).rows.first?.values ?? [])
                case PGRES_TUPLES_OK where !pending.isEmpty:
                    let last = Self.copy(result)
                    results.append(PGResult(columns: last.columns, rows: pending, commandTag: last.commandTag))
                    pending = []
                case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                    results.append(Self.copy(result))
                case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
                    // Keep draining: libpq needs every result read before the next command.
                    failure = failure ?? serverError(result, operation: operation)
                default:
                    failure = failure ?? PGError(.serverError, endpoint: endpoint, operation: operation,
                                                 message: "unexpected result status \(PQresultStatus(result).rawValue) (COPY is not supported)")
                }
            }
            try await waitFor(.read, conn, deadline: deadline, operation: operation)
        }
    }

    private func waitFor(_ interest: SocketPoller.Interest, _ conn: OpaquePointer, deadline: ContinuousClock.Instant, operation: String) async throws(PGError) {
        try await Self.wait(fd: PQsocket(conn), interest, endpoint: endpoint, operation: operation, deadline: deadline)
    }

    private static func wait(fd: Int32, _ interest: SocketPoller.Interest, endpoint: String, operation: String, deadline: ContinuousClock.Instant) async throws(PGError) {
        guard fd >= 0 else { throw PGError(.connectionLost, endpoint: endpoint, operation: operation, message: "no socket") }
        switch await SocketPoller.shared.wait(fd: fd, for: interest, until: deadline) {
        case .ready: return
        case .timedOut: throw PGError(.timeout, endpoint: endpoint, operation: operation, message: "no answer before the deadline; connection closed")
        case .cancelled, .interrupted: throw PGError(.cancelled, endpoint: endpoint, operation: operation, message: "cancelled")
        }
    }

    private static func start(_ params: ConnInfo, endpoint: String) throws(PGError) -> OpaquePointer {
        let keywords = params.parameters.map { strdup($0.keyword) } + [nil]
        let values = params.parameters.map { strdup($0.value) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let conn = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectStartParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let conn else {
            throw PGError(.connectionFailed, endpoint: endpoint, operation: "connect", message: "out of memory")
        }
        if PQstatus(conn) == CONNECTION_BAD {
            let message = Self.message(conn)
            PQfinish(conn)
            throw PGError(.connectionFailed, endpoint: endpoint, operation: "connect", message: message)
        }
        return conn
    }

    private static func poll(_ conn: OpaquePointer, endpoint: String, deadline: ContinuousClock.Instant) async throws(PGError) {
        var state = PGRES_POLLING_WRITING
        while true {
            switch state {
            case PGRES_POLLING_OK:
                return
            case PGRES_POLLING_READING:
                try await wait(fd: PQsocket(conn), .read, endpoint: endpoint, operation: "connect", deadline: deadline)
            case PGRES_POLLING_WRITING:
                try await wait(fd: PQsocket(conn), .write, endpoint: endpoint, operation: "connect", deadline: deadline)
            default:
                throw PGError(.connectionFailed, endpoint: endpoint, operation: "connect", message: message(conn))
            }
            state = PQconnectPoll(conn)
        }
    }

    // MARK: - Helpers

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func release() {
        if queue.isEmpty { busy = false } else { queue.removeFirst().resume() }
    }

    private static func copy(_ result: OpaquePointer) -> PGResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            rows.append((0..<columnCount).map { c in
                PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c))
            })
        }
        return PGResult(columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result)))
    }

    private func serverError(_ result: OpaquePointer, operation: String) -> PGError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let message = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines
        return PGError(.serverError, endpoint: endpoint, operation: operation, message: message,
                       sqlState: field(Int32(UInt8(ascii: "C"))), detail: field(Int32(UInt8(ascii: "D"))),
                       hint: field(Int32(UInt8(ascii: "H"))))
    }

    private func libpqError(_ code: PGError.Code, _ operation: String) -> PGError {
        PGError(code, endpoint: endpoint, operation: operation, message: conn.map(Self.message) ?? "connection is closed")
    }

    private static func message(_ conn: OpaquePointer) -> String {
        let text = String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines
        return text.isEmpty ? "unknown libpq error" : text
    }

    private static func withCStrings<R>(
        _ strings: [String?], endpoint: String, _ body: ([UnsafePointer<CChar>?]) throws(PGError) -> R
    ) throws(PGError) -> R {
        if let bad = strings.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PGError(.invalidInput, endpoint: endpoint, operation: "query", message: "parameter $\(bad + 1) contains a NUL byte")
        }
        let copies = strings.map { $0.map { UnsafePointer(strdup($0)!) } }
        defer { copies.forEach { $0.map { free(UnsafeMutablePointer(mutating: $0)) } } }
        return try body(copies)
    }

    static func endpointName(_ conninfo: ConnInfo) -> String {
        let host = conninfo["host"] ?? conninfo["hostaddr"] ?? "localhost"
        let port = conninfo["port"] ?? "5432"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

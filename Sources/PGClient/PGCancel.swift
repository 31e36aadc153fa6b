internal import CLibPQ
import Foundation
import Synchronization

/// Cancels, on the server, a statement whose client deadline passed: the connection is closed
/// at the deadline, but a backend busy or waiting on a lock does not notice a vanished client
/// until it next writes to it, and would otherwise keep its locks and its connection slot.
///
/// libpq 15 (Debian 12) has only the blocking `PQcancel` (a TCP connection to the server, one
/// packet, then waiting for the server to close it), so it runs on a thread of its own, never
/// on the cooperative pool. At most `maximumInFlight` such threads exist at once: during an
/// outage where cancels hang, the rest are dropped and the session's `statement_timeout`
/// (`Connector`) ends the statement instead. The caller never waits for it; `send` returns a
/// task that reports the outcome, for tests and logs.
enum PGCancel {
    static let maximumInFlight = 8
    /// How long the task waits for the cancel thread before reporting a timeout (the thread
    /// itself ends when the kernel gives up on the connection).
    static let deadline: Duration = .seconds(5)
    private static let inFlight = Mutex(0)

    enum Outcome: Sendable, Equatable {
        case sent
        case failed(String)
        case skipped(String)
        case timedOut
    }

    /// The `PGcancel` object of a connection. Ownership passes to exactly one thread, which
    /// alone uses and frees it, so it is never shared (`@unchecked` for the raw pointer).
    private final class Handle: @unchecked Sendable {
        let raw: OpaquePointer
        init(_ raw: OpaquePointer) { self.raw = raw }
    }

    private final class OutcomeSlot: Sendable {
        let value = Mutex<Outcome?>(nil)
    }

    /// Takes the cancel key of `conn` (call before closing it) and sends the request.
    @discardableResult
    static func send(for conn: OpaquePointer, endpoint: String) -> Task<Outcome, Never> {
        guard let raw = PQgetCancel(conn) else {
            return Task { .skipped("no cancel key for \(endpoint)") }
        }
        let handle = Handle(raw)
        let admitted = inFlight.withLock { count in
            guard count < maximumInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else {
            PQfreeCancel(handle.raw)
            return Task { .skipped("\(maximumInFlight) cancel requests already in flight") }
        }
        let result = OutcomeSlot()
        let done = AsyncStream<Void>.makeStream()
        let thread = Thread {
            var buffer = [CChar](repeating: 0, count: 256)
            let ok = PQcancel(handle.raw, &buffer, Int32(buffer.count)) == 1
            PQfreeCancel(handle.raw)
            inFlight.withLock { $0 -= 1 }
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            result.value.withLock { $0 = ok ? .sent : .failed(message) }
            done.continuation.finish()
        }
        thread.stackSize = 64 * 1024
        thread.start()
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in done.stream {} }
                group.addTask { try? await Task.sleep(for: deadline) }
                await group.next()
                group.cancelAll()
            }
            return result.value.withLock { $0 } ?? .timedOut
        }
    }
}

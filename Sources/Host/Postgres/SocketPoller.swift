import Foundation
import Synchronization

/// Waits for sockets to become readable or writable, off Swift's cooperative pool.
///
/// One dedicated thread runs `poll(2)` over every registered socket, so a thousand idle
/// PostgreSQL connections cost one thread, and a frozen server costs nothing but a timer.
/// Every wait has a deadline; that is what makes libpq's non-blocking calls safe against a
/// server that was SIGSTOPped or a network that silently drops packets.
final class SocketPoller: Sendable {
    enum Interest: Sendable { case read, write }
    enum Outcome: Sendable, Equatable { case ready, timedOut, cancelled }

    static let shared = SocketPoller()

    private struct Waiter {
        var fd: Int32
        var events: Int16
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var cancelledEarly: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    /// A pipe the loop polls too, so a new registration wakes it at once.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "pipe failed: \(errno)")
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        let thread = Thread { [self] in loop() }
        thread.name = "orchestrator.socket-poller"
        thread.start()
    }

    /// Suspends until `fd` is ready for `interest`, the deadline passes, or the task is cancelled.
    /// A negative `fd` makes this a plain timer.
    func wait(fd: Int32, for interest: Interest, until deadline: ContinuousClock.Instant) async -> Outcome {
        let id = state.withLock { s in s.nextID += 1; return s.nextID }
        let events = Int16(interest == .read ? POLLIN : POLLOUT)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registered = state.withLock { s -> Bool in
                    if s.cancelledEarly.remove(id) != nil { return false }
                    s.waiters[id] = Waiter(fd: fd, events: events, deadline: deadline, continuation: continuation)
                    return true
                }
                if registered { wake() } else { continuation.resume(returning: .cancelled) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                if let w = s.waiters.removeValue(forKey: id) { return w }
                s.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: .cancelled)
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func loop() {
        var fds: [pollfd] = []
        var ids: [UInt64] = []
        while true {
            fds.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            let nearest: ContinuousClock.Instant? = state.withLock { s in
                var nearest: ContinuousClock.Instant?
                for (id, w) in s.waiters {
                    ids.append(id)
                    fds.append(pollfd(fd: w.fd, events: w.events, revents: 0))
                    if nearest == nil || w.deadline < nearest! { nearest = w.deadline }
                }
                return nearest
            }
            let timeout = nearest.map { Self.milliseconds(until: $0) } ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { fatalError("poll failed: \(errno)") }
            if fds[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 256)
                while read(wakeRead, &drain, drain.count) > 0 {}
            }
            let now = ContinuousClock.now
            var finished: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
            state.withLock { s in
                for (index, id) in ids.enumerated() {
                    guard let w = s.waiters[id] else { continue }
                    let fired = w.fd >= 0 && fds[index + 1].revents != 0
                    if fired || w.deadline <= now {
                        s.waiters[id] = nil
                        finished.append((w.continuation, fired ? .ready : .timedOut))
                    }
                }
            }
            for (continuation, outcome) in finished { continuation.resume(returning: outcome) }
        }
    }

    /// Rounded up, so the loop never wakes a hair early and spins.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}

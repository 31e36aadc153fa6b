internal import COrchestratorSystem
import Foundation
import Synchronization

/// Waits for sockets to become readable or writable, off Swift's cooperative pool.
///
/// One dedicated thread runs `epoll_wait(2)`; each wait registers its socket one-shot with the
/// kernel, so a thousand idle PostgreSQL connections cost one thread and no per-wake scan of
/// every socket. Every wait has a deadline, which is what makes libpq's non-blocking calls safe
/// against a server that was SIGSTOPped or a network that silently drops packets.
final class SocketPoller: Sendable {
    enum Interest: Sendable { case read, write }
    enum Outcome: Sendable, Equatable { case ready, timedOut, cancelled, interrupted }

    /// Lets another party end a wait early (outcome `.interrupted`); an interruption that
    /// comes while no wait is in progress ends the next one at once. One waiter at a time.
    final class Interruption: Sendable {
        private struct State {
            var pending = false
            var id: UInt64?
        }

        private let state = Mutex(State())

        func interrupt() {
            let id = state.withLock { s -> UInt64? in
                if let id = s.id { return id }
                s.pending = true
                return nil
            }
            if let id { SocketPoller.shared.finish(id, .interrupted) }
        }

        /// True if an interruption is already pending (the wait should end at once).
        fileprivate func attach(_ id: UInt64) -> Bool {
            state.withLock { s in
                if s.pending {
                    s.pending = false
                    return true
                }
                s.id = id
                return false
            }
        }

        fileprivate func detach() {
            state.withLock { $0.id = nil }
        }
    }

    static let shared = SocketPoller()

    private struct Waiter {
        var fd: Int32
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        /// Deadlines of waiters, earliest first; entries of waiters already gone are skipped
        /// when they surface, so finishing a wait costs nothing here.
        var deadlines = DeadlineHeap()
        var cancelledEarly: Set<UInt64> = []
        var nextID: UInt64 = 0
        /// When the loop will next look at deadlines by itself; an earlier one must wake it.
        var sleepingUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let epoll: Int32
    /// A pipe the loop watches too, so that a registration with an earlier deadline wakes it.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private static let wakeID: UInt64 = 0

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errno)")
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "pipe failed: \(errno)")
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeID
        precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, wakeRead, &event) == 0, "epoll_ctl failed: \(errno)")
        let thread = Thread { [self] in loop() }
        thread.name = "orchestrator.socket-poller"
        thread.start()
    }

    /// Suspends until `fd` is ready for `interest`, the deadline passes, or the task is cancelled.
    /// A negative `fd` makes this a plain timer.
    func wait(fd: Int32, for interest: Interest, until deadline: ContinuousClock.Instant,
              interruption: Interruption? = nil) async -> Outcome {
        let id = state.withLock { s in s.nextID += 1; return s.nextID }
        defer { interruption?.detach() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (registered, wake) = state.withLock { s -> (Bool, Bool) in
                    if s.cancelledEarly.remove(id) != nil { return (false, false) }
                    s.waiters[id] = Waiter(fd: fd, deadline: deadline, continuation: continuation)
                    s.deadlines.push(deadline, id)
                    let earlier = s.sleepingUntil.map { deadline < $0 } ?? true
                    if earlier { s.sleepingUntil = deadline }
                    return (true, earlier)
                }
                guard registered else {
                    continuation.resume(returning: .cancelled)
                    return
                }
                if fd >= 0 { arm(fd, id: id, interest: interest) }
                if wake { self.wake() }
                if interruption?.attach(id) == true { finish(id, .interrupted) }
            }
        } onCancel: {
            finish(id, .cancelled)
        }
    }

    private func arm(_ fd: Int32, id: UInt64, interest: Interest) {
        var event = epoll_event()
        event.events = (interest == .read ? EPOLLIN.rawValue : EPOLLOUT.rawValue) | EPOLLONESHOT.rawValue
        event.data.u64 = id
        if epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0 {
            // Still registered from an earlier wait on this socket: re-arm it for this one.
            if errno != EEXIST || epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event) != 0 {
                finish(id, .ready) // let libpq find out what is wrong with the socket
            }
        }
    }

    /// Removes a waiter (if still there) and resumes it with `outcome`.
    fileprivate func finish(_ id: UInt64, _ outcome: Outcome) {
        let waiter = state.withLock { s -> Waiter? in
            if let w = s.waiters.removeValue(forKey: id) { return w }
            if outcome == .cancelled { s.cancelledEarly.insert(id) }
            return nil
        }
        guard let waiter else { return }
        if waiter.fd >= 0, outcome != .ready { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, waiter.fd, nil) }
        waiter.continuation.resume(returning: outcome)
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func loop() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let timeout = state.withLock { s -> Int32 in
                while let top = s.deadlines.peek, s.waiters[top.id] == nil { s.deadlines.pop() }
                let nearest = s.deadlines.peek?.deadline
                s.sleepingUntil = nearest
                return nearest.map { Self.milliseconds(until: $0) } ?? -1
            }
            let n = epoll_wait(epoll, &events, Int32(events.count), timeout)
            if n < 0 && errno != EINTR { fatalError("epoll_wait failed: \(errno)") }
            for i in 0..<max(0, Int(n)) {
                let id = events[i].data.u64
                if id == Self.wakeID {
                    var drain = [UInt8](repeating: 0, count: 256)
                    while read(wakeRead, &drain, drain.count) > 0 {}
                } else {
                    finish(id, .ready)
                }
            }
            let now = ContinuousClock.now
            let expired = state.withLock { s -> [UInt64] in
                var ids: [UInt64] = []
                while let top = s.deadlines.peek, top.deadline <= now {
                    s.deadlines.pop()
                    if s.waiters[top.id] != nil { ids.append(top.id) }
                }
                return ids
            }
            for id in expired { finish(id, .timedOut) }
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

/// A binary min-heap of (deadline, waiter id).
struct DeadlineHeap {
    private var items: [(deadline: ContinuousClock.Instant, id: UInt64)] = []

    var peek: (deadline: ContinuousClock.Instant, id: UInt64)? { items.first }

    mutating func push(_ deadline: ContinuousClock.Instant, _ id: UInt64) {
        items.append((deadline, id))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].deadline < items[parent].deadline else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let left = 2 * i + 1, right = left + 1
            var smallest = i
            if left < items.count, items[left].deadline < items[smallest].deadline { smallest = left }
            if right < items.count, items[right].deadline < items[smallest].deadline { smallest = right }
            if smallest == i { return }
            items.swapAt(i, smallest)
            i = smallest
        }
    }
}

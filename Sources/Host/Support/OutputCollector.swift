import Foundation
import Synchronization

/// Reads a child's stdout and stderr pipes on its own thread (blocking reads stay off the
/// cooperative pool) until both reach end of file, keeping only the last `limit` bytes of
/// each. `collect(grace:)` returns them; it gives up reading `grace` after it is called, so a
/// descendant that escaped the process group and keeps a pipe open cannot hold a hook's
/// result back.
final class OutputCollector: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant?
        var result: (String, String)?
        var waiter: CheckedContinuation<(String, String), Never>?
    }

    private let state = Mutex(State())

    /// Takes ownership of both descriptors (closed when done).
    init(_ output: Int32, _ error: Int32, limit: Int) {
        let thread = Thread { [self] in
            let streams = Self.read([output, error], limit: limit) { self.state.withLock { $0.deadline } }
            let waiter = state.withLock { s -> CheckedContinuation<(String, String), Never>? in
                s.result = (streams[0], streams[1])
                return s.waiter
            }
            waiter?.resume(returning: (streams[0], streams[1]))
        }
        thread.name = "orchestrator.output"
        thread.start()
    }

    /// stdout and stderr (their last `limit` bytes each).
    func collect(grace: Duration) async -> (String, String) {
        await withCheckedContinuation { continuation in
            let done = state.withLock { s -> (String, String)? in
                s.deadline = ContinuousClock.now + grace
                if let result = s.result { return result }
                s.waiter = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Reads `descriptors` until each ends (or `deadline()` has passed), then closes them.
    private static func read(_ descriptors: [Int32], limit: Int, deadline: () -> ContinuousClock.Instant?) -> [String] {
        var tails = descriptors.map { _ in Tail(limit: limit) }
        var open = Array(descriptors.indices)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !open.isEmpty {
            if let deadline = deadline(), ContinuousClock.now >= deadline { break }
            var polled = open.map { pollfd(fd: descriptors[$0], events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), 100)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            var ended: [Int] = []
            for (slot, index) in open.enumerated() where polled[slot].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptors[index], $0.baseAddress, $0.count) }
                if count > 0 {
                    tails[index].append(buffer[..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    ended.append(index)
                }
            }
            open.removeAll { ended.contains($0) }
        }
        descriptors.forEach { close($0) }
        return tails.map(\.text)
    }

    /// The last `limit` bytes of a stream, and whether anything before them was dropped.
    struct Tail {
        let limit: Int
        var bytes: [UInt8] = []
        var dropped = false

        mutating func append(_ chunk: ArraySlice<UInt8>) {
            bytes.append(contentsOf: chunk)
            // Trimmed in batches: at most twice the limit is ever held.
            if bytes.count > 2 * limit {
                bytes.removeFirst(bytes.count - limit)
                dropped = true
            }
        }

        var text: String {
            let kept = bytes.count > limit ? Array(bytes.suffix(limit)) : bytes
            let cut = dropped || bytes.count > limit
            return (cut ? "[earlier output discarded]\n" : "") + String(decoding: kept, as: UTF8.self)
        }
    }
}

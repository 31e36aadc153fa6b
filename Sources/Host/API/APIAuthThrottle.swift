import Synchronization

/// Per-source backoff after wrong credentials: from the `freeFailures`-th wrong password in a
/// row, an address is refused (429, credentials not even compared) for 1 s, then 2 s, 4 s, ...
/// up to `maximumBlock`; a correct login clears it. Missing credentials do not count (clients
/// ask first without them). The table is bounded: a flood of sources cannot grow it.
final class APIAuthThrottle: Sendable {
    static let freeFailures = 5
    static let maximumBlock: Duration = .seconds(60)
    static let maximumSources = 10_000

    private struct Entry {
        var failures = 0
        var blockedUntil: ContinuousClock.Instant?
        var lastFailure: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// How long `source` must still wait, or nil when it may try.
    func remainingBlock(_ source: String, now: ContinuousClock.Instant = .now) -> Duration? {
        entries.withLock { entries in
            guard let until = entries[source]?.blockedUntil, until > now else { return nil }
            return until - now
        }
    }

    func failed(_ source: String, now: ContinuousClock.Instant = .now) {
        entries.withLock { entries in
            if entries[source] == nil, entries.count >= Self.maximumSources {
                // Forget sources quiet for longer than the longest block; if all are recent,
                // start over rather than grow (the cost is a few free guesses for each).
                entries = entries.filter { now - $0.value.lastFailure < Self.maximumBlock }
                if entries.count >= Self.maximumSources { entries.removeAll() }
            }
            var entry = entries[source] ?? Entry(lastFailure: now)
            entry.failures += 1
            entry.lastFailure = now
            if entry.failures >= Self.freeFailures {
                let exponent = min(entry.failures - Self.freeFailures, 6)
                entry.blockedUntil = now + min(.seconds(1 << exponent), Self.maximumBlock)
            }
            entries[source] = entry
        }
    }

    /// Sources remembered (tests check the bound).
    var count: Int { entries.withLock { $0.count } }

    func succeeded(_ source: String) {
        _ = entries.withLock { $0.removeValue(forKey: source) }
    }
}

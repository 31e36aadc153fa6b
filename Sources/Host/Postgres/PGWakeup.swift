/// Ends a wait of the PostgreSQL client early, from elsewhere: a request to re-probe wakes a
/// poll loop out of `PGConnection.waitForServerActivity` or `sleep(until:)`. The poller's
/// interruption under the client's name, so callers never reach into the poller; a wake that
/// comes while nothing waits ends the next wait at once. One waiter at a time.
typealias PGWakeup = SocketPoller.Interruption

extension PGWakeup {
    /// Waits until `deadline` or until woken, with no connection to watch.
    func sleep(until deadline: ContinuousClock.Instant) async {
        _ = await SocketPoller.shared.wait(fd: -1, for: .read, until: deadline, interruption: self)
    }
}

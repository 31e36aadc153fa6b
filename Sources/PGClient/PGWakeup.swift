/// Ends a wait of the PostgreSQL client early, from elsewhere: a request to re-probe wakes a
/// poll loop out of `PGConnection.waitForServerActivity` or `sleep(until:)`. The poller's
/// interruption under the client's name, so callers never reach into the poller; a wake that
/// comes while nothing waits ends the next wait at once. One waiter at a time.
package final class PGWakeup: Sendable {
    let interruption = SocketPoller.Interruption()

    package init() {}

    /// Ends the current wait, or the next one if none is in progress.
    package func interrupt() {
        interruption.interrupt()
    }

    /// Waits until `deadline` or until woken, with no connection to watch.
    package func sleep(until deadline: ContinuousClock.Instant) async {
        _ = await SocketPoller.shared.wait(fd: -1, for: .read, until: deadline, interruption: interruption)
    }
}

internal import Foundation

/// A serial executor running every job on one dedicated thread, outside Swift's cooperative
/// pool, so an actor using it may block (a Lua call spinning until its deadline, a semaphore
/// wait) without starving unrelated tasks.
///
/// The thread starts with the first job. It holds the executor strongly, so the executor
/// lives until `shutdown()` (called by its owner when done) lets the thread drain its queue
/// and exit; a job enqueued after that starts a new thread.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `threadRunning`, `stopping` and `runner` are only read or
    // written with `condition` locked; `name` and `stackSize` are immutable.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var threadRunning = false
    private var stopping = false
    private var runner: pthread_t?
    private let name: String
    private let stackSize: Int

    /// - Parameter stackSize: Lua recursion (C calls, the parser) uses the C stack of this thread.
    init(name: String, stackSize: Int = 8 << 20) {
        self.name = name
        self.stackSize = stackSize
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        if threadRunning {
            condition.signal()
        } else {
            threadRunning = true
            startThread()
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        condition.lock()
        let current = runner.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        condition.unlock()
        precondition(current, "not on the \(name) thread")
    }

    /// Lets the thread exit once its queue is empty.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func startThread() {
        let thread = Thread { [self] in
            self.runJobs()
        }
        thread.stackSize = stackSize
        thread.start()
    }

    private func runJobs() {
        condition.lock()
        // Named here, not before start(): Foundation on Linux only renames the OS thread once
        // start() has returned, which holding `condition` guarantees (enqueue holds it).
        Thread.current.name = name
        runner = pthread_self()
        condition.unlock()
        while let batch = nextBatch() {
            for job in batch {
                job.runSynchronously(on: asUnownedSerialExecutor())
            }
        }
    }

    /// The jobs queued so far, in order; nil when stopping with nothing left to run.
    private func nextBatch() -> [UnownedJob]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopping {
            condition.wait()
        }
        guard !jobs.isEmpty else {
            threadRunning = false
            runner = nil
            return nil
        }
        let batch = jobs
        jobs.removeAll(keepingCapacity: true)
        return batch
    }
}

import Foundation
import Host
import PGClient

/// A steady stream of single-row commits, recording every commit the server acknowledged, so
/// a test can prove that none was lost across a failover or switchover.
///
/// Writes go to whichever of `targets` accepts them: after an error the load moves to the next
/// target, so it follows a promotion by itself.
public actor WriteLoad {
    public struct Ack: Sendable {
        public let id: Int64
        public let at: ContinuousClock.Instant
    }

    private let targets: [PGServer]
    private var acks: [Ack] = []
    private var loop: Task<Void, Never>?
    private static let table = "orchestrator_test_load"

    public init(targets: [PGServer]) {
        self.targets = targets
    }

    /// Creates the table on the first target (the primary) and starts writing.
    public func start() async throws {
        try await targets[0].query("CREATE TABLE IF NOT EXISTS \(Self.table) (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())")
        loop = Task { await self.write() }
    }

    /// Stops writing and returns every acknowledged commit, in order.
    @discardableResult
    public func stop() async -> [Ack] {
        loop?.cancel()
        await loop?.value
        loop = nil
        return acks
    }

    public var acknowledged: [Ack] { acks }

    /// Waits until at least `count` commits were acknowledged in all (polling; a slow machine
    /// only makes it take longer).
    public func waitForAcknowledged(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while acks.count < count {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("only \(acks.count) of \(count) commits acknowledged within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The acknowledged ids that `server` does not have.
    public static func missing(_ acks: [Ack], on server: PGServer) async throws -> [Int64] {
        let present = try await server.query("SELECT id FROM \(table)").rows
            .compactMap { try? $0.decode("id", as: Int64.self) }
        let have = Set(present)
        return acks.map(\.id).filter { !have.contains($0) }
    }

    /// The longest time between two consecutive acknowledged commits.
    public static func longestGap(_ acks: [Ack]) -> Duration {
        zip(acks, acks.dropFirst()).map { $0.at.duration(to: $1.at) }.max() ?? .zero
    }

    private func write() async {
        var next: Int64 = 1
        var targetIndex = 0
        var connection: PGConnection?
        while !Task.isCancelled {
            do {
                if connection == nil {
                    connection = try await targets[targetIndex].connect(timeout: .seconds(1))
                }
                let id = next
                next += 1
                _ = try await connection!.query("INSERT INTO \(Self.table)(id) VALUES ($1)", [String(id)], timeout: .seconds(2))
                acks.append(Ack(id: id, at: .now))
            } catch {
                connection = nil
                targetIndex = (targetIndex + 1) % targets.count
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}

import Foundation
@testable import Host
import Testing

@Suite("Fate of a primary")
struct FateWatchTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ code: AnalysisCode, lastSeen: Date? = now.addingTimeInterval(-1)) -> AnalysisEntry {
        var entry = AnalysisEntry(
            code: code, instance: pg("db1"), upstream: nil, clusterName: "db1:5432", description: "", isPrimary: true, isReadOnly: false,
            lastCheckValid: false, replicas: [pg("db2"), pg("db3")], countValidReplicas: 2, countStreamingReplicas: 1,
            countValidReplicatingReplicas: 1, countLaggingReplicas: 0, countDowntimedReplicas: 0, isDowntimed: false, downtimeEnd: nil,
            systemIdentifier: "7000", lastLSN: nil)
        entry.lastSeen = lastSeen
        return entry
    }

    @Test("an open fate re-probes the primary and its standbys, then asks to be looked at again", arguments: [
        AnalysisCode.unreachablePrimary, .deadPrimary, .deadPrimaryAndSomeStandbys, .deadPrimaryAndStandbys, .deadIntermediatePrimary,
    ])
    func open(_ code: AnalysisCode) {
        var watch = FateWatch()
        let verdict = watch.watch([Self.entry(code)], now: Self.now, instant: .now) { _ in false }
        #expect(verdict == .init(reprobe: [pg("db1"), pg("db2"), pg("db3")], undecided: true))
    }

    @Test("decided or not a fate", arguments: [
        ("not a primary failure", entry(.splitBrain), false),
        ("last seen longer ago than the window", entry(.deadPrimary, lastSeen: now.addingTimeInterval(-121)), false),
        ("never seen", entry(.deadPrimary, lastSeen: nil), false),
        ("a recovery of the cluster runs", entry(.deadPrimary), true),
    ])
    func closed(_ name: String, _ entry: AnalysisEntry, _ recovering: Bool) {
        var watch = FateWatch()
        let verdict = watch.watch([entry], now: Self.now, instant: .now) { _ in recovering }
        #expect(verdict == .init(reprobe: [], undecided: false))
    }

    @Test("each instance is re-probed at most every 50 ms")
    func throttled() {
        var watch = FateWatch()
        let start = ContinuousClock.now
        let entries = [Self.entry(.deadPrimary)]
        #expect(watch.watch(entries, now: Self.now, instant: start) { _ in false }.reprobe.count == 3)
        let soon = watch.watch(entries, now: Self.now, instant: start.advanced(by: .milliseconds(20))) { _ in false }
        #expect(soon == .init(reprobe: [], undecided: true))
        #expect(watch.watch(entries, now: Self.now, instant: start.advanced(by: .milliseconds(50))) { _ in false }.reprobe.count == 3)
    }
}

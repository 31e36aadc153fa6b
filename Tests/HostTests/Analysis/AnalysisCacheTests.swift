import Foundation
import HookAPI
@testable import Host
import Testing

/// The work an analysis pass does follows what changed, not the size of the fleet; and what
/// the kept findings add up to is what a full analysis finds.
@Suite("AnalysisCache: a pass re-analyses the changed clusters only")
struct AnalysisCacheTests {
    static let clusters = 50

    static func primary(_ n: Int) -> InstanceKey { InstanceKey(host: "10.1.\(n).1", port: 5432) }
    static func standby(_ n: Int, _ i: Int) -> InstanceKey { InstanceKey(host: "10.1.\(n).\(i + 2)", port: 5432) }

    static func standbyProbe(_ n: Int, _ i: Int, system: String? = nil) -> InstanceProbe {
        Fixture.probe(primary: false, system: system ?? "\(n)", fingerprint: "s\(n).\(i)", upstream: primary(n), applicationName: "s\(i)")
    }

    /// 50 clusters of a primary and two standbys, each cluster its own history.
    static func fleet() async -> TopologyState {
        let state = TopologyState(defaultPort: 5432)
        for n in 0..<clusters {
            _ = await state.admit(primary(n), probe: Fixture.probe(primary: true, system: "\(n)", fingerprint: "p\(n)", replicas: ["s0", "s1"]),
                                  latency: 0, as: .anything)
            for i in 0..<2 { _ = await state.admit(standby(n, i), probe: standbyProbe(n, i), latency: 0, as: .anything) }
        }
        return state
    }

    @Test("instancesAnalysedPerProbe: the first pass reads every instance; a probe that moved a standby's lag costs its cluster (3), not 150")
    func instancesAnalysedPerProbe() async {
        let state = await Self.fleet()
        var cache = AnalysisCache()
        let context = Analyzer.Context(reasonableReplicationLagSeconds: 10)
        #expect(cache.update(await state.takeAnalysisDelta(), context).isEmpty)
        #expect(cache.lastAnalysed == 3 * Self.clusters)

        var lagging = Self.standbyProbe(7, 1)
        lagging.lagSeconds = 30
        lagging.receiveLSN = LSN(500)
        let actions = await state.recordSuccess(Self.standby(7, 1), probe: lagging, latency: 0)
        #expect(!actions.contains(.analyse), "a change of lag alone asked for an immediate pass")
        let entries = cache.update(await state.takeAnalysisDelta(), context)
        #expect(cache.lastAnalysed == 3)
        #expect(entries.map(\.code) == [.standbyLagging])

        // Nothing probed since: nothing analysed, and the findings are kept.
        #expect(cache.update(await state.takeAnalysisDelta(), context) == entries)
        #expect(cache.lastAnalysed == 0)

        // A lost primary is urgent, and still costs its own cluster only.
        #expect(await state.recordFailure(Self.primary(3), error: "gone", latency: 1).contains(.analyse))
        let afterLoss = cache.update(await state.takeAnalysisDelta(), context)
        #expect(cache.lastAnalysed == 3)
        #expect(afterLoss == Analyzer.analyze(await state.snapshot(), context), "the kept findings differ from a full analysis")
        #expect(Set(afterLoss.map(\.code)) == [.standbyLagging, .unreachablePrimary])
    }

    @Test("a new context (a downtime) is not current: the coordinator then asks for every cluster")
    func contextChangeNeedsAll() async {
        let state = await Self.fleet()
        var cache = AnalysisCache()
        let plain = Analyzer.Context()
        _ = cache.update(await state.takeAnalysisDelta(), plain)
        #expect(cache.isCurrent(plain))
        let downtime = Analyzer.Context(downtimes: [Self.primary(1): Date().addingTimeInterval(600)])
        #expect(!cache.isCurrent(downtime))
        _ = cache.update(await state.takeAnalysisDelta(all: true), downtime)
        #expect(cache.lastAnalysed == 3 * Self.clusters)
    }

    @Test("split brain across clusters is kept when only one of them is re-analysed")
    func splitBrainAcrossClusters() async {
        let state = await Self.fleet()
        var cache = AnalysisCache()
        let context = Analyzer.Context()
        _ = cache.update(await state.takeAnalysisDelta(), context)
        // Cluster 9's standby 0 is promoted behind the daemon's back, with cluster 9's history:
        // cluster 9's primary and it are both writable.
        _ = await state.recordSuccess(Self.standby(9, 0), probe: Fixture.probe(primary: true, system: "9", fingerprint: "s9.0"), latency: 0)
        let both = cache.update(await state.takeAnalysisDelta(), context)
        #expect(Set(both.filter { $0.code == .splitBrain }.map(\.instance)) == [Self.primary(9), Self.standby(9, 0)])
        // A lag-only probe of another cluster: the split brain stays reported.
        var lagging = Self.standbyProbe(2, 0)
        lagging.lagSeconds = 1
        _ = await state.recordSuccess(Self.standby(2, 0), probe: lagging, latency: 0)
        let later = cache.update(await state.takeAnalysisDelta(), context)
        #expect(cache.lastAnalysed == 3)
        #expect(later == both)
        #expect(later == Analyzer.analyze(await state.snapshot(), context))
    }
}

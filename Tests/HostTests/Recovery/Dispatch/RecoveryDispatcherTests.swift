import Foundation
import HookAPI
@testable import Host
import Synchronization
import Testing

/// One point = the fork's hook lists in order, then the point's plugins, under one set of rules.
@Suite("Recovery dispatcher")
struct RecoveryDispatcherTests {
    /// Plugins that answer as told and remember the points they ran at.
    final class Plugins: RecoveryPluginDispatch {
        let answer: PluginPointOutcome
        private let seen = Mutex<[HookPoint]>([])
        var points: [HookPoint] { seen.withLock { $0 } }
        init(_ answer: PluginPointOutcome = .none) { self.answer = answer }
        func run(_ point: HookPoint, event: RecoveryEvent) async -> PluginPointOutcome {
            seen.withLock { $0.append(point) }
            return answer
        }
    }

    static let event = RecoveryEvent(recoveryUID: "u1", failureType: "DeadPrimary", failureDescription: "", failed: .init(host: "db1", port: 5432),
                                     clusterName: "db1:5432", clusterAlias: "", orchestratorHost: "orc1")

    static func dispatcher(_ configure: (inout Configuration.Hooks) -> Void, plugins: Plugins) -> RecoveryDispatcher {
        var lists = Configuration.Hooks()
        configure(&lists)
        return RecoveryDispatcher(runner: HookRunner(lists, environment: ["PATH": "/usr/bin:/bin"]), lists: lists, plugins: plugins)
    }

    static func run(_ dispatcher: RecoveryDispatcher, _ point: RecoveryPoint) async -> (DispatchOutcome, [String]) {
        let steps = Mutex<[String]>([])
        let outcome = await dispatcher.dispatch(point, event) { line in steps.withLock { $0.append(line) } }
        return (outcome, steps.withLock { $0 })
    }

    @Test("a failing pre-failover hook vetoes, stops its list, and the plugins do not run")
    func preFailoverHookVeto() async {
        let plugins = Plugins()
        let dispatcher = Self.dispatcher({ $0.preFailover = ["exit 3", "echo never"] }, plugins: plugins)
        let (outcome, steps) = await Self.run(dispatcher, .preFailover)
        #expect(outcome.veto?.hasPrefix("PreFailoverProcesses vetoed the recovery: PreFailoverProcesses[0] (exit 3)") == true)
        #expect(!steps.contains { $0.contains("echo never") })
        #expect(plugins.points.isEmpty)
    }

    @Test("a plugin's veto at a pre point names the point")
    func pluginVeto() async {
        let plugins = Plugins(PluginPointOutcome(veto: "guard: maintenance window", steps: ["guard: veto"], handled: true))
        let (outcome, steps) = await Self.run(Self.dispatcher({ $0.preGracefulTakeover = ["true"] }, plugins: plugins), .preGracefulTakeover)
        #expect(outcome.veto == "a preGracefulTakeover plugin vetoed the switchover: guard: maintenance window")
        #expect(steps.contains("plugin preGracefulTakeover: guard: veto"))
        #expect(plugins.points == [.preGracefulTakeover])
    }

    @Test("after a primary failover both hook lists run in the fork's order, a failure is recorded, plugins still run")
    func postFailoverOrder() async {
        let plugins = Plugins()
        let dispatcher = Self.dispatcher({
            $0.postPrimaryFailover = ["exit 1", "echo second"]
            $0.postFailover = ["echo any"]
        }, plugins: plugins)
        let (outcome, steps) = await Self.run(dispatcher, .postPrimaryFailover)
        #expect(outcome.veto == nil)
        #expect(outcome.failure?.hasPrefix("PostMasterFailoverProcesses[0] (exit 1)") == true)
        let running = steps.filter { $0.contains(": running") }
        #expect(running == ["PostMasterFailoverProcesses[0]: running exit 1", "PostMasterFailoverProcesses[1]: running echo second",
                            "PostFailoverProcesses[0]: running echo any"])
        #expect(plugins.points == [.postFailover])
    }

    @Test("demote: nothing registered, a hook, a failing plugin")
    func demote() async {
        #expect(await Self.run(Self.dispatcher({ _ in }, plugins: Plugins()), .demote).0 == .nothing)
        let hook = await Self.run(Self.dispatcher({ $0.demote = ["true"] }, plugins: Plugins()), .demote).0
        #expect(hook == DispatchOutcome(handled: true))
        let failing = await Self.run(Self.dispatcher({ _ in }, plugins: Plugins(PluginPointOutcome(steps: ["x: error"], failed: true))), .demote).0
        #expect(failing == DispatchOutcome(veto: "a demote plugin failed (see the steps)", handled: true))
    }

    @Test("failure detection runs its hooks only, stops its list at a failure, and vetoes nothing")
    func detection() async {
        let plugins = Plugins()
        let (outcome, steps) = await Self.run(Self.dispatcher({ $0.onFailureDetection = ["exit 1", "echo never"] }, plugins: plugins),
                                              .failureDetection)
        #expect(outcome.veto == nil && outcome.failure != nil && outcome.handled)
        #expect(!steps.contains { $0.contains("echo never") })
        #expect(plugins.points.isEmpty)
    }
}

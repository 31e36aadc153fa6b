import Foundation
import HookAPI
import Hummingbird

/// The v1 analysis, recovery, acknowledgement, downtime and candidate endpoints, in
/// Orchestrator's shapes, plus v2 `recoveries`.
struct RecoveryRoutes: APIRouteCollection, TopologyReading {
    let coordinator: RecoveryCoordinator
    let topology: TopologyService
    let backend: Backend
    let configuration: Configuration

    func register(on api: APIRoutes) {
        registerAnalysis(on: api)
        registerAudit(on: api)
        registerAcknowledgements(on: api)
        registerSwitch(on: api)
        registerDowntime(on: api)
        registerV2(on: api)
    }

    // MARK: Analysis and recover

    private func registerAnalysis(on api: APIRoutes) {
        api.read("replication-analysis",
                 APIOperation("replicationAnalysis", .recovery, "Current problems of every cluster (DeadPrimary, UnreachablePrimary, ...)",
                              ok: .envelope("Message Analysis; Details the entries", details: .array(.ref(.replicationAnalysis))))) { _, _ in
            await analysis { _ in true }
        }
        api.read("replication-analysis/:hint",
                 APIOperation("replicationAnalysisCluster", .recovery, "Current problems of one cluster", [.hint],
                              ok: Self.analysisEntries)) { _, context in
            let cluster = try await view().requireCluster(APIParameters.text(context, "hint"))
            return await analysis { $0.clusterName == cluster }
        }
        api.read("replication-analysis/instance/:host/:port",
                 APIOperation("replicationAnalysisInstance", .recovery, "Current problems of one instance", [.host, .port],
                              ok: Self.analysisEntries)) { _, context in
            let canonical = await topology.state.canonical(try APIParameters.instanceKey(context))
            return await analysis { $0.instance == canonical }
        }
        api.write("recover/:host/:port",
                  APIOperation("recover", .recovery, "Recover the failure of this instance now "
                                   + "(skips filters, downtime, global switch and block period; never two at once)",
                               [.host, .port], ok: .envelope("Recovered; Details the successor", details: .ref(.instanceKey)))) { _, context in
            try await recover(APIParameters.instanceKey(context), candidate: nil)
        }
        api.write("recover/:host/:port/:candHost/:candPort",
                  APIOperation("recoverWithCandidate", .recovery, "Recover, promoting this standby (it must hold as much WAL as any other)",
                               [.host, .port, .host.named("candHost"), .port.named("candPort")],
                               ok: .envelope("Recovered", details: .ref(.instanceKey)))) { _, context in
            try await recover(APIParameters.instanceKey(context),
                              candidate: APIParameters.instanceKey(context, host: "candHost", port: "candPort"))
        }
    }

    private static let analysisEntries = APIResponse.envelope("Entries", details: .array(.ref(.replicationAnalysis)))

    private func analysis(_ include: (AnalysisEntry) -> Bool) async -> Envelope<[AnalysisJSON]> {
        let view = await view()
        let entries = await coordinator.analysis.filter(include)
        return Envelope(code: .ok, message: "Analysis", details: entries.map { AnalysisJSON(entry: $0, clusterAlias: view.alias(of: $0.clusterName)) })
    }

    private func recover(_ key: InstanceKey, candidate: InstanceKey?) async -> Envelope<KeyJSON> {
        switch await coordinator.recover(key, candidate: candidate) {
        case .failure(let error):
            return Envelope(code: .error, message: "Cannot recover \(key): \(error.message)")
        case .success(let record) where record.isSuccessful:
            return Envelope(code: .ok, message: "Recovered: \(key); promoted \(record.successor.map(\.description) ?? "-") (recovery \(record.uid))",
                            details: KeyJSON(record.successor))
        case .success(let record):
            return Envelope(code: .error, message: "Recovery \(record.uid) of \(key) \(record.status.rawValue): \(record.errors.last ?? "see audit-recovery-steps/\(record.uid)")")
        }
    }

    // MARK: Audit

    private func registerAudit(on api: APIRoutes) {
        api.read("audit-recovery", APIOperation("auditRecovery", .recovery, "Recoveries, newest first", ok: Self.recoveries)) { _, _ in
            try await audit(.all, page: 0)
        }
        api.read("audit-recovery/:page", APIOperation("auditRecoveryPage", .recovery, "Recoveries, one page of \(Self.pageSize)", [.page],
                                                      ok: Self.recoveries)) { _, context in
            try await audit(.all, page: APIParameters.page(context))
        }
        api.read("audit-recovery/cluster/:hint",
                 APIOperation("auditRecoveryCluster", .recovery, "Recoveries of a cluster (by system identifier, whatever it was called then)",
                              [.hint], ok: Self.recoveries)) { _, context in
            try await auditCluster(APIParameters.text(context, "hint"), page: 0)
        }
        api.read("audit-recovery/cluster/:hint/:page",
                 APIOperation("auditRecoveryClusterPage", .recovery, "Recoveries of a cluster, one page", [.hint, .page],
                              ok: Self.recoveries)) { _, context in
            try await auditCluster(APIParameters.text(context, "hint"), page: APIParameters.page(context))
        }
        api.read("audit-recovery/id/:id",
                 APIOperation("auditRecoveryId", .recovery, "One recovery by id", [.id], ok: Self.recoveries)) { _, context in
            try await audit(.id(APIParameters.number(context, "id")), page: 0)
        }
        api.read("audit-recovery/uid/:uid",
                 APIOperation("auditRecoveryUID", .recovery, "One recovery by UID", [.uid], ok: Self.recoveries)) { _, context in
            try await audit(.uid(APIParameters.text(context, "uid")), page: 0)
        }
        api.read("audit-recovery-steps/:uid",
                 APIOperation("auditRecoverySteps", .recovery, "The steps of one recovery, with their times and hook output", [.uid],
                              ok: .json("Steps", .array(.ref(.topologyRecoveryStep))))) { _, context in
            let uid = try APIParameters.text(context, "uid")
            return JSONBody(try await backend.recoverySteps(uid).map { RecoveryStepJSON(step: $0) })
        }
        api.read("blocked-recoveries", APIOperation("blockedRecoveries", .recovery, "Recoveries held back by RecoveryPeriodBlockSeconds",
                                                    ok: Self.blocked)) { _, _ in
            JSONBody(await coordinator.blockedRecoveries.map { BlockedRecoveryJSON(blocked: $0) })
        }
        api.read("blocked-recoveries/cluster/:hint",
                 APIOperation("blockedRecoveriesCluster", .recovery, "Blocked recoveries of a cluster", [.hint], ok: Self.blocked)) { _, context in
            let hint = try APIParameters.text(context, "hint")
            let cluster = await view().cluster(hint) ?? hint
            return JSONBody(await coordinator.blockedRecoveries.filter { $0.entry.clusterName == cluster }.map { BlockedRecoveryJSON(blocked: $0) })
        }
    }

    static let pageSize = 50

    private static let recoveries = APIResponse.json("Recoveries", .array(.ref(.topologyRecovery)))
    private static let blocked = APIResponse.json("Blocked", .array(.ref(.blockedRecovery)))

    private func audit(_ filter: RecoveryFilter, page: Int) async throws -> JSONBody<[RecoveryJSON]> {
        JSONBody(try await backend.recoveries(filter, limit: Self.pageSize, offset: page * Self.pageSize).map { RecoveryJSON(record: $0) })
    }

    /// A cluster's recoveries under any of its past names: those of its system identifier.
    private func auditCluster(_ hint: String, page: Int) async throws -> JSONBody<[RecoveryJSON]> {
        try await audit(clusterFilter(hint, await view()), page: page)
    }

    private func clusterFilter(_ hint: String, _ view: TopologyView) -> RecoveryFilter {
        guard let cluster = view.cluster(hint) else { return .cluster(hint) }
        let member = view.members(of: cluster).first { view.record($0)?.probe != nil }
        return member.flatMap { view.record($0)?.probe?.systemIdentifier }.map { .systemIdentifier($0) } ?? .cluster(cluster)
    }

    // MARK: Acknowledgements

    private func registerAcknowledgements(on api: APIRoutes) {
        api.write("ack-recovery/cluster/:hint",
                  APIOperation("ackRecoveryCluster", .recovery, "Acknowledge a cluster's recoveries (?comment=)", [.hint, .comment],
                               ok: Self.acknowledged)) { request, context in
            let filter = clusterFilter(try APIParameters.text(context, "hint"), await view())
            return try await acknowledge(filter, request, context)
        }
        api.write("ack-recovery/instance/:host/:port",
                  APIOperation("ackRecoveryInstance", .recovery, "Acknowledge the recoveries of a failed instance", [.host, .port, .comment],
                               ok: Self.acknowledged)) { request, context in
            try await acknowledge(.failedInstance(await topology.state.canonical(APIParameters.instanceKey(context))), request, context)
        }
        api.write("ack-recovery/uid/:uid", APIOperation("ackRecoveryUID", .recovery, "Acknowledge one recovery by UID", [.uid, .comment],
                                                        ok: Self.acknowledged)) { request, context in
            try await acknowledge(.uid(APIParameters.text(context, "uid")), request, context)
        }
        api.write("ack-recovery/:id", APIOperation("ackRecoveryId", .recovery, "Acknowledge one recovery by id", [.id, .comment],
                                                   ok: Self.acknowledged)) { request, context in
            try await acknowledge(.id(APIParameters.number(context, "id")), request, context)
        }
        api.write("ack-all-recoveries", APIOperation("ackAllRecoveries", .recovery, "Acknowledge every recovery", [.comment],
                                                     ok: Self.acknowledged)) { request, context in
            try await acknowledge(.all, request, context)
        }
    }

    private static let acknowledged = APIResponse.json("Details: how many", .ref(.envelope))

    /// Recorded as acknowledged by the authenticated user ("api" without authentication).
    private func acknowledge(_ filter: RecoveryFilter, _ request: Request, _ context: APIRequestContext) async throws -> Envelope<Int> {
        let comment = try APIParameters.query(request, "comment") ?? ""
        let acknowledged = try await backend.acknowledgeRecoveries(filter, by: context.user.isEmpty ? "api" : context.user, comment: comment)
        return Envelope(code: .ok, message: "Acknowledged \(acknowledged.count) recoveries", details: acknowledged.count)
    }

    // MARK: Global switch

    private func registerSwitch(on api: APIRoutes) {
        api.write("disable-global-recoveries", APIOperation("disableGlobalRecoveries", .recovery, "Stop automated recoveries (persisted)",
                                                            ok: .json("Details: disabled", .ref(.envelope)))) { _, _ in
            try await backend.setRecoveriesDisabled(true)
            return Envelope(code: .ok, message: "Globally disabled recoveries", details: "disabled")
        }
        api.write("enable-global-recoveries", APIOperation("enableGlobalRecoveries", .recovery, "Allow automated recoveries again",
                                                           ok: .json("Details: enabled", .ref(.envelope)))) { _, _ in
            try await backend.setRecoveriesDisabled(false)
            return Envelope(code: .ok, message: "Globally enabled recoveries", details: "enabled")
        }
        api.read("check-global-recoveries", APIOperation("checkGlobalRecoveries", .recovery, "Whether automated recoveries are enabled",
                                                         ok: .json("Details: enabled or disabled", .ref(.envelope)))) { _, _ in
            let state = try await backend.recoveriesDisabled() ? "disabled" : "enabled"
            return Envelope(code: .ok, message: "Global recoveries \(state)", details: state)
        }
    }

    // MARK: Downtime and candidates

    private func registerDowntime(on api: APIRoutes) {
        api.write("begin-downtime/:host/:port/:owner/:reason",
                  APIOperation("beginDowntime", .maintenance, "Downtime an instance for an hour", [.host, .port, Self.owner, Self.reason],
                               ok: .envelope("Downtimed", details: .ref(.instanceKey)))) { _, context in
            try await beginDowntime(context, duration: nil)
        }
        api.write("begin-downtime/:host/:port/:owner/:reason/:duration",
                  APIOperation("beginDowntimeFor", .maintenance, "Downtime an instance (duration 90, 90s, 15m, 2h, 1d)",
                               [.host, .port, Self.owner, Self.reason, .path("duration", APISchema.string.example("15m"))],
                               ok: .envelope("Downtimed", details: .ref(.instanceKey)))) { _, context in
            try await beginDowntime(context, duration: APIParameters.text(context, "duration"))
        }
        api.write("end-downtime/:host/:port", APIOperation("endDowntime", .maintenance, "End an instance's downtime", [.host, .port],
                                                           ok: .envelope("Ended", details: .ref(.instanceKey)))) { _, context in
            let key = await topology.state.canonical(try APIParameters.instanceKey(context))
            guard try await backend.endDowntime(key) else {
                return Envelope<KeyJSON>(code: .error, message: "\(key) is not downtimed")
            }
            await coordinatorRefresh()
            return Envelope(code: .ok, message: "Downtime ended: \(key)", details: KeyJSON(key))
        }
        api.read("downtimed", APIOperation("downtimed", .maintenance, "Downtimed instances", ok: Self.downtimes)) { _, _ in
            JSONBody(try await backend.activeDowntimes().map { DowntimeJSON(downtime: $0) })
        }
        api.read("downtimed/:hint", APIOperation("downtimedCluster", .maintenance, "Downtimed instances of a cluster", [.hint],
                                                 ok: Self.downtimes)) { _, context in
            let view = await view()
            let members = Set(view.members(of: try view.requireCluster(APIParameters.text(context, "hint"))))
            return JSONBody(try await backend.activeDowntimes().filter { members.contains(view.snapshot.canonical($0.key)) }
                .map { DowntimeJSON(downtime: $0) })
        }
        api.write("register-candidate/:host/:port/:rule",
                  APIOperation("registerCandidate", .maintenance, "Set a standby's promotion rule for CandidateInstanceExpireMinutes",
                               [.host, .port, .path("rule", .oneOf(PromotionRule.allCases.map(\.rawValue)))],
                               ok: .envelope("Registered", details: .ref(.instanceKey)))) { _, context in
            let key = await topology.state.canonical(try APIParameters.instanceKey(context))
            let ruleText = try APIParameters.text(context, "rule")
            guard let rule = PromotionRule(rawValue: ruleText) else {
                throw APIError.badRequest("invalid promotion rule \"\(ruleText.prefix(40))\": expected must, prefer, neutral, prefer_not or must_not")
            }
            try await backend.registerCandidate(CandidateRegistration(key: key, rule: rule, registeredAt: Date()))
            return Envelope(code: .ok, message: "Registered candidate \(key) as \(rule.rawValue) for \(configuration.recovery.candidateInstanceExpireMinutes) minutes",
                            details: KeyJSON(key))
        }
    }

    private static let owner = APIParameter.path("owner", .string)
    private static let reason = APIParameter.path("reason", .string)
    private static let downtimes = APIResponse.json("Downtimes", .array(.ref(.downtime)))

    /// `Details` is the instance key, as upstream (orchestrator-client prints it).
    private func beginDowntime(_ context: APIRequestContext, duration: String?) async throws -> Envelope<KeyJSON> {
        let key = await topology.state.canonical(try APIParameters.instanceKey(context))
        let seconds = try duration.map(Self.parseDuration) ?? 3600
        let now = Date()
        let downtime = Downtime(key: key, owner: try APIParameters.text(context, "owner"), reason: try APIParameters.text(context, "reason"),
                                beganAt: now, endsAt: now.addingTimeInterval(seconds))
        try await backend.beginDowntime(downtime)
        await coordinatorRefresh()
        return Envelope(code: .ok, message: "Downtimed \(key) until \(InstanceJSON.timestamp(downtime.endsAt))", details: KeyJSON(key))
    }

    /// `90`, `90s`, `15m`, `2h`, `1d`.
    static func parseDuration(_ text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(text)
        var unit = 1.0
        if let last = text.last, let factor = units[last] {
            digits = digits.dropLast()
            unit = factor
        }
        guard let value = Double(digits), value > 0, value * unit <= 366 * 86400 else {
            throw APIError.badRequest("invalid duration \"\(text.prefix(40))\": expected a positive number with an optional unit s, m, h or d (at most a year)")
        }
        return value * unit
    }

    /// Downtime changes what the analysis says: re-run it now rather than at the next probe.
    private func coordinatorRefresh() async {
        await coordinator.refresh()
    }

    // MARK: v2

    private func registerV2(on api: APIRoutes) {
        api.read("v2/recoveries",
                 APIOperation("v2Recoveries", .v2, "Recoveries (?cluster= or ?alias=, ?page=)",
                              [.query("cluster", .string), .query("alias", .string), .query("page", .integer(0...APIParameters.maximumPage))],
                              ok: .v2(.array(.ref(.topologyRecovery))))) { request, _ in
            let parameters = request.uri.queryParameters
            let view = await view()
            let hint = try APIParameters.query(request, "cluster") ?? APIParameters.query(request, "alias")
            let page = try APIParameters.page(text: parameters.get("page") ?? "0", name: "page", code: "INVALID_PAGE")
            let filter = hint.map { clusterFilter($0, view) } ?? .all
            let records = try await backend.recoveries(filter, limit: Self.pageSize, offset: page * Self.pageSize)
            return JSONBody(V2Envelope.success(records.map { RecoveryJSON(record: $0) }))
        }
        api.read("v2/recoveries/active", APIOperation("v2ActiveRecoveries", .v2, "Recoveries running now",
                                                      ok: .v2(.array(.ref(.topologyRecovery))))) { _, _ in
            JSONBody(V2Envelope.success(try await backend.recoveries(.active).map { RecoveryJSON(record: $0) }))
        }
    }
}

import HookAPI

extension RecoveryEvent {
    /// The facts hooks and plugins see about a recovery.
    init(_ record: RecoveryRecord, in snapshot: TopologySnapshot, isAutomated: Bool, orchestratorHost: String) {
        let failed = record.failed
        self.init(
            recoveryUID: record.uid, failureType: record.analysis.code.rawValue,
            failureDescription: record.analysis.description, command: record.command,
            instanceType: record.analysis.isPrimary ? "master" : "intermediate-master",
            failed: failed.address, clusterName: record.clusterName, clusterAlias: record.clusterAlias,
            clusterSystemIdentifier: snapshot.records[failed]?.probe?.systemIdentifier, failedLSN: record.analysis.lastLSN,
            replicas: record.analysis.replicas.map(\.address), lostReplicas: record.lostReplicas.map(\.address),
            isDowntimed: record.analysis.isDowntimed, isAutomated: isAutomated, orchestratorHost: orchestratorHost,
            successor: record.successor?.address, successorAlias: record.successor?.description,
            successorLSN: record.successorLSN)
    }
}

extension InstanceKey {
    var address: InstanceAddress { InstanceAddress(host: host, port: port) }
}

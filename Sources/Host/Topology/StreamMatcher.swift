/// Which standbys an upstream's `pg_stat_replication` rows prove connected to it. A row holds
/// the `application_name` the standby's WAL receiver sent and the `client_addr` the upstream
/// saw. A standby can claim a row when its receiver's name is the row's and, where its address
/// is an IP literal, the row came from that address (a hostname is not resolved here: then the
/// name alone). Rows are shared out, not copied: a standby is proven only when the rows it can
/// claim are at least as many as the standbys that can claim any of them. A server imitating a
/// real standby's name and address therefore proves neither of them; both keep what earlier
/// probes proved. Pure and table-tested.
enum StreamMatcher {
    struct Claimant: Sendable {
        var key: InstanceKey
        var applicationName: String
        var address: NetworkAddress?
    }

    /// The standbys among `keys` (as last probed, in `records`) that `rows` prove.
    static func proven(_ keys: [InstanceKey], in records: [InstanceKey: InstanceRecord], rows: [InstanceProbe.ReplicationRow]) -> Set<InstanceKey> {
        proven(keys.compactMap { key in
            records[key]?.probe.map { Claimant(key: key, applicationName: $0.walReceiverApplicationName, address: NetworkAddress(key.host)) }
        }, rows: rows)
    }

    static func proven(_ claimants: [Claimant], rows: [InstanceProbe.ReplicationRow]) -> Set<InstanceKey> {
        let claims = claimants.map { claimant in Set(rows.indices.filter { canClaim(rows[$0], claimant) }) }
        var proven: Set<InstanceKey> = []
        for (i, claim) in claims.enumerated() where !claim.isEmpty {
            let rivals = claims.count { !$0.isDisjoint(with: claim) }
            if claim.count >= rivals { proven.insert(claimants[i].key) }
        }
        return proven
    }

    /// A row from a Unix socket has no `client_addr`: the name decides.
    static func canClaim(_ row: InstanceProbe.ReplicationRow, _ claimant: Claimant) -> Bool {
        guard row.applicationName == claimant.applicationName else { return false }
        guard let address = claimant.address, let client = row.clientAddress else { return true }
        return NetworkAddress(client) == address
    }
}

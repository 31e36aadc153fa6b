package import Foundation

/// What the topology keeps: instances and their role history, and the downtimes it shows.
/// Owned here and implemented by the Store (`Backend`).
package protocol TopologyRepository: Sendable {
    func saveInstances(_ changed: [InstanceRecord], removed: [InstanceKey], roleChanges: [TopologyState.RoleChange],
                       clusterOf: [InstanceKey: String]) async throws
    /// Every instance saved, for the topology to resume from after a restart.
    func loadInstances() throws -> [InstanceRecord]
    func activeDowntimes(at now: Date) async throws -> [Downtime]
}

/// The Store serves the rooms that own these protocols (Recovery, Topology): the arrows point
/// from the Store to them.
extension Backend: RecoveryRepository, TopologyRepository {}

package import HookAPI

/// What discovery asks of plugins before an instance joins (`PluginHost` implements it).
package protocol TopologyPluginDispatch: Sendable {
    /// `.proceed`, `.annotate(annotation)` or `.ignore(reason)`; never fails.
    func annotate(discovery event: DiscoveryEvent) async -> PluginAnswer
}

public import HookAPI

/// The `analysis` plugin point, as the analysis asks it: keep (`.proceed`), `.suppress` or
/// `.raise` an entry. The plugin host implements it; the protocol sits here, with its user.
public protocol AnalysisPluginDispatch: Sendable {
    func review(analysis event: AnalysisEvent) async -> PluginAnswer
}

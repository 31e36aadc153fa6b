/// The version `orchestrator --version` prints and the API reports as `AppVersion`.
package enum OrchestratorVersion {
    package static let current = "0.1.0"
}

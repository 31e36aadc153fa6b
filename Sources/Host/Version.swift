/// The version `orchestrator --version` prints and the API reports as `AppVersion`.
public enum OrchestratorVersion {
    public static let current = "0.1.0"
}

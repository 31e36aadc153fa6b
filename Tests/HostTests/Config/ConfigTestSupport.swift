import Foundation
import Testing
@testable import Host

/// Parses `json` as the config file `orchestrator.conf.json`.
func parseConfig(_ json: String, environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfiguration {
    try Configuration.parse(data: Data(json.utf8), source: "orchestrator.conf.json", environment: environment)
}

/// The error `json` is refused with; records an issue (and returns nil) when it is accepted.
func configError(_ json: String, environment: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
    do {
        let loaded = try parseConfig(json, environment: environment)
        Issue.record("expected the config to be refused, but it loaded: \(loaded.configuration)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A fresh empty directory for file-based tests.
func configTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

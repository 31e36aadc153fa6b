import Builtins
import Foundation
import Host
import Testing

/// Parses `json` as the config file `orchestrator.conf.json`, with the built-ins' blocks as the
/// executable loads it.
func parseConfig(_ json: String, environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfiguration {
    try Configuration.parse(data: Data(json.utf8), source: "orchestrator.conf.json", environment: environment,
                            blocks: BuiltinPlugins.configBlocks)
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

/// Checks that a refusal names the key, shows the value and says what was expected.
func expectRefusal(_ json: String, key: String, value: String, expecting: String,
                   kind: ConfigError.Kind = .invalidValue,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = configError(json, sourceLocation: sourceLocation) else { return }
    #expect(error.kind == kind, sourceLocation: sourceLocation)
    #expect(error.key == key, sourceLocation: sourceLocation)
    #expect(error.value == value, sourceLocation: sourceLocation)
    #expect(error.expected.contains(expecting), "expected-part was: \(error.expected)", sourceLocation: sourceLocation)
    #expect(error.description == "orchestrator.conf.json: \(key): got \(value), expected \(error.expected)",
            sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
}

/// The checkout's root: the nearest directory above this file holding `Package.swift`.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()

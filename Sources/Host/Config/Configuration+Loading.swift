import ConfigJSON
package import Foundation

extension Configuration {
    /// Where the daemon looks when `--config` is not given, in order (docs/config.md).
    package static let defaultSearchPaths = ["/etc/orchestrator.conf.json", "./orchestrator.conf.json"]

    /// Reads, parses and validates the config file at `path`. A missing or unreadable file is an
    /// error (the caller asked for this file). `environment` feeds `${VAR}` expansion; pass
    /// `ProcessInfo.processInfo.environment`. `blocks`: the blocks the compiled-in plugins own
    /// (their keys are unknown keys otherwise).
    package static func load(path: String, environment: [String: String],
                            blocks: [any ConfigBlock.Type] = []) throws(ConfigError) -> LoadedConfiguration {
        switch ConfigFileAccess.read(path) {
        case .failure(let failure):
            throw ConfigError(kind: .unreadableFile, file: path, value: failure.reason,
                              expected: "a readable JSON file")
        case .success(let bytes):
            return try parse(bytes: bytes, source: path, environment: environment, blocks: blocks)
        }
    }

    /// Parses and validates config JSON. `source` names the file in messages.
    package static func parse(data: Data, source: String, environment: [String: String],
                             blocks: [any ConfigBlock.Type] = []) throws(ConfigError) -> LoadedConfiguration {
        try parse(bytes: [UInt8](data), source: source, environment: environment, blocks: blocks)
    }

    /// `--config PATH` if given, else the first of `searchPaths` that exists, else nil.
    package static func resolvePath(explicit: String?, searchPaths: [String] = defaultSearchPaths) -> String? {
        resolvePath(explicit: explicit, searchPaths: searchPaths, fileExists: ConfigFileAccess.exists)
    }

    /// As above with an injectable existence check (for tests).
    package static func resolvePath(explicit: String?, searchPaths: [String],
                                   fileExists: (String) -> Bool) -> String? {
        if let explicit { return explicit }
        return searchPaths.first(where: fileExists)
    }

    /// The daemon's start-up entry point: loads `--config PATH` when given (a missing file is then
    /// an error), else the first existing default path, else runs on the built-in defaults with a
    /// warning saying so.
    package static func load(explicitPath: String?, searchPaths: [String] = defaultSearchPaths, environment: [String: String],
                            blocks: [any ConfigBlock.Type] = []) throws(ConfigError) -> LoadedConfiguration {
        if let path = resolvePath(explicit: explicitPath, searchPaths: searchPaths) {
            return try load(path: path, environment: environment, blocks: blocks)
        }
        let places = searchPaths.joined(separator: " or ")
        var defaults = Configuration()
        defaults.blocks = ConfigBlocks(blocks)
        return LoadedConfiguration(
            configuration: defaults,
            warnings: ["no configuration file at \(places) and no --config given; running on built-in defaults"],
            source: nil)
    }

    static func parse(bytes: [UInt8], source: String, environment: [String: String],
                      blocks: [any ConfigBlock.Type]) throws(ConfigError) -> LoadedConfiguration {
        let document: ConfigJSONValue
        do {
            document = try ConfigJSONParser.parse(bytes)
        } catch {
            throw ConfigError(kind: .invalidJSON, file: source, value: error.found, expected: error.expected,
                              line: error.line, column: error.column)
        }
        guard case .object(let members) = document else {
            throw ConfigError(kind: .notAnObject, file: source, value: document.kindDescription,
                              expected: "a JSON object of settings, like {\"InstancePollSeconds\": 5}")
        }
        var configuration = Configuration()
        configuration.blocks = ConfigBlocks(blocks)
        // The blocks' rows after Host's honoured ones and before the ignored ones, where the
        // reference lists them.
        let keys = ConfigKeys.honoured + configuration.blocks.keys + ConfigKeys.ignored
        var context = ConfigDecodeContext(file: source, environment: environment)
        try ConfigObjectDecoder.decode(members, keys: keys, into: &configuration, pathPrefix: "", context: &context)
        try ConfigValidation.validate(configuration, context: &context)
        var seen = Set<String>()
        let warnings = context.warnings.filter { seen.insert($0).inserted }
        return LoadedConfiguration(configuration: configuration, warnings: warnings, source: source)
    }
}

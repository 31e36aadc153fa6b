import Foundation
import Testing
@testable import Host

@Suite("Config loading and path resolution")
struct ConfigLoadingTests {
    @Test("load(path:) reads the file and names it as the source")
    func loadFile() throws {
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("orchestrator.conf.json")
        try Data(#"{"InstancePollSeconds": 2, "PostgreSQLTopologyPassword": "${PW}"}"#.utf8).write(to: file)
        let loaded = try Configuration.load(path: file.path, environment: ["PW": "x"])
        #expect(loaded.source == file.path)
        #expect(loaded.configuration.discovery.instancePollSeconds == 2)
        #expect(loaded.configuration.postgresql.topologyPassword.value == "x")
    }

    @Test("errors name the file as given")
    func errorNamesFile() throws {
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.json")
        try Data(#"{"InstancePollSeconds": 0}"#.utf8).write(to: file)
        do {
            _ = try Configuration.load(path: file.path, environment: [:])
            Issue.record("accepted a zero poll interval")
        } catch {
            #expect(error.file == file.path)
            #expect(error.description.hasPrefix(file.path + ": InstancePollSeconds: got 0"))
        }
    }

    @Test("--config wins, then the search paths in order")
    func resolvePath() {
        let existing: Set<String> = ["/etc/orchestrator.conf.json", "./orchestrator.conf.json"]
        #expect(Configuration.resolvePath(explicit: "/x.json", searchPaths: Configuration.defaultSearchPaths,
                                          fileExists: existing.contains) == "/x.json")
        #expect(Configuration.resolvePath(explicit: nil, searchPaths: Configuration.defaultSearchPaths,
                                          fileExists: existing.contains) == "/etc/orchestrator.conf.json")
        #expect(Configuration.resolvePath(explicit: nil, searchPaths: Configuration.defaultSearchPaths,
                                          fileExists: { $0 == "./orchestrator.conf.json" }) == "./orchestrator.conf.json")
        #expect(Configuration.resolvePath(explicit: nil, searchPaths: Configuration.defaultSearchPaths,
                                          fileExists: { _ in false }) == nil)
        #expect(Configuration.defaultSearchPaths == ["/etc/orchestrator.conf.json", "./orchestrator.conf.json"])
    }

    @Test("with no file anywhere the daemon runs on defaults, with a warning")
    func noFileAnywhere() throws {
        let paths = ["/nonexistent/a.json", "/nonexistent/b.json"]
        let loaded = try Configuration.load(explicitPath: nil, searchPaths: paths, environment: [:])
        #expect(loaded.configuration == Configuration())
        #expect(loaded.source == nil)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].contains("/nonexistent/a.json or /nonexistent/b.json"))
        #expect(loaded.warnings[0].contains("built-in defaults"))
    }

    @Test("the first existing search path is loaded; an explicit missing path is an error")
    func searchPathLoaded() throws {
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("orchestrator.conf.json")
        try Data(#"{"ListenAddress": ":3099"}"#.utf8).write(to: file)
        let loaded = try Configuration.load(explicitPath: nil, searchPaths: ["/nonexistent/a.json", file.path], environment: [:])
        #expect(loaded.source == file.path)
        #expect(loaded.configuration.http.listen.port == 3099)
        #expect(throws: ConfigError.self) {
            try Configuration.load(explicitPath: "/nonexistent/c.json", searchPaths: [file.path], environment: [:])
        }
    }

    @Test("ConfigError reads well as a value")
    func configErrorValue() {
        let error = ConfigError(kind: .invalidValue, file: "f.json", key: "Port", value: "0", expected: "a port")
        #expect(error.description == "f.json: Port: got 0, expected a port")
        #expect(error == ConfigError(kind: .invalidValue, file: "f.json", key: "Port", value: "0", expected: "a port"))
    }
}

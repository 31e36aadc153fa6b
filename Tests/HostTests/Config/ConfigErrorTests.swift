import Foundation
import Testing
@testable import Host

/// Checks that a refusal names the key, shows the value and says what was expected.
private func expectRefusal(_ json: String, key: String, value: String, expecting: String,
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

@Suite("Config errors")
struct ConfigErrorTests {
    // MARK: the file as a whole

    @Test("the documented message format")
    func exampleMessage() throws {
        let error = try #require(configError(#"{"InstancePollSeconds": -1}"#))
        #expect(error.description == "orchestrator.conf.json: InstancePollSeconds: got -1, expected a whole number of seconds >= 1")
        #expect(ConfigError.exitCode == 2)
    }

    @Test("invalid JSON says where", arguments: [
        ("{\n  \"InstancePollSeconds\": 5,\n}", 3, 1, "no comma"),
        ("{\n  \"InstancePollSeconds\": 5\n  \"Debug\": true\n}", 3, 3, "\",\" or \"}\""),
        ("{\n  // comment\n}", 2, 3, "\"/\" (JSON has no comments)"),
        ("{\"WebMessage\": \"unterminated", 1, 29, "closing quote"),
        ("{\"Debug\": tru}", 1, 14, "a value"),
        ("{\"InstancePollSeconds\": 05}", 1, 26, "a number"),
        ("", 1, 1, "the file is empty"),
        ("{} {}", 1, 4, "end of file"),
    ])
    func invalidJSON(json: String, line: Int, column: Int, phrase: String) throws {
        let error = try #require(configError(json))
        #expect(error.kind == .invalidJSON)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.description.hasPrefix("orchestrator.conf.json: invalid JSON at line \(line), column \(column): got "))
        #expect(error.description.contains(phrase))
    }

    @Test("invalid UTF-8 and absurd nesting are errors, not crashes")
    func hostileInput() throws {
        var bytes = Array(#"{"WebMessage": "a"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}"#.utf8)
        #expect(throws: ConfigError.self) {
            try Configuration.parse(data: Data(bytes), source: "x.json", environment: [:])
        }
        let deep = String(repeating: "[", count: 100_000)
        let error = try #require(configError("{\"DiscoverySeeds\": \(deep)"))
        #expect(error.kind == .invalidJSON)
        #expect(error.expected.contains("nesting"))
    }

    @Test("the top level must be an object", arguments: [("[1, 2]", "a list"), ("\"x\"", "a string"), ("42", "a number")])
    func topLevelNotObject(json: String, kind: String) throws {
        let error = try #require(configError(json))
        #expect(error.kind == .notAnObject)
        #expect(error.description.hasPrefix("orchestrator.conf.json: top level: got \(kind), expected a JSON object"))
    }

    // MARK: wrong types

    @Test("a string where an integer is expected")
    func stringForInt() {
        expectRefusal(#"{"InstancePollSeconds": "5"}"#, key: "InstancePollSeconds", value: #""5""#,
                      expecting: "a whole number of seconds >= 1")
    }

    @Test("a fraction where an integer is expected", arguments: ["5.5", "5.0", "5e0"])
    func floatForInt(number: String) {
        expectRefusal("{\"DefaultInstancePort\": \(number)}", key: "DefaultInstancePort", value: number,
                      expecting: "a port number from 1 to 65535")
    }

    @Test("a number where a boolean is expected")
    func intForBool() {
        expectRefusal(#"{"ReadOnly": 1}"#, key: "ReadOnly", value: "1", expecting: "true or false")
    }

    @Test("a non-string in a string list names the element")
    func nonStringInList() {
        expectRefusal(#"{"DiscoverySeeds": ["pg1:5432", 5432]}"#, key: "DiscoverySeeds[1]", value: "5432",
                      expecting: "a string")
        expectRefusal(#"{"PreFailoverProcesses": [["echo"]]}"#, key: "PreFailoverProcesses[0]", value: #"["echo"]"#,
                      expecting: "a string")
    }

    @Test("a string where a list is expected")
    func stringForList() {
        expectRefusal(#"{"RecoveryIgnoreHostnameFilters": ".*"}"#, key: "RecoveryIgnoreHostnameFilters", value: #"".*""#,
                      expecting: "a list of regular expressions")
        expectRefusal(#"{"RecoverMasterClusterFilters": ".*"}"#, key: "RecoverMasterClusterFilters", value: #"".*""#,
                      expecting: "a list of cluster filters")
    }

    @Test("an integer too large for the platform is refused, not wrapped")
    func overflow() {
        expectRefusal(#"{"InstancePollSeconds": 99999999999999999999999}"#, key: "InstancePollSeconds",
                      value: "99999999999999999999999", expecting: "a whole number")
    }

    // MARK: impossible values

    @Test("zero or negative intervals and timeouts are refused", arguments: [
        "InstancePollSeconds", "HookTimeoutSeconds", "PluginTimeoutSeconds", "PostgreSQLConnectTimeoutSeconds",
        "PostgreSQLProbeTimeoutSeconds", "DiscoveryMaxConcurrency", "ReasonableMaintenanceReplicationLagSeconds",
    ])
    func zeroTimeouts(key: String) {
        expectRefusal("{\"\(key)\": 0}", key: key, value: "0", expecting: ">= 1")
        expectRefusal("{\"\(key)\": -3}", key: key, value: "-3", expecting: ">= 1")
    }

    @Test("a negative block period is refused; zero is allowed")
    func blockPeriods() throws {
        expectRefusal(#"{"RecoveryPeriodBlockSeconds": -1}"#, key: "RecoveryPeriodBlockSeconds", value: "-1",
                      expecting: ">= 0")
        expectRefusal(#"{"FailureDetectionPeriodBlockMinutes": -1}"#, key: "FailureDetectionPeriodBlockMinutes",
                      value: "-1", expecting: "minutes >= 0")
        #expect(try parseConfig(#"{"RecoveryPeriodBlockSeconds": 0}"#).configuration.recovery.periodBlockSeconds == 0)
    }

    @Test("DefaultInstancePort must be a port", arguments: ["0", "65536", "-5432"])
    func defaultInstancePort(value: String) {
        expectRefusal("{\"DefaultInstancePort\": \(value)}", key: "DefaultInstancePort", value: value,
                      expecting: "a port number from 1 to 65535")
    }

    @Test("ListenAddress must be [host]:port with a valid port",
          arguments: [":0", ":65536", "127.0.0.1:99999", "[::1]:0", "localhost", "::1:3000", "", ":", "[::1]x", "a b:3000"])
    func badListenAddress(value: String) {
        expectRefusal("{\"ListenAddress\": \"\(value)\"}", key: "ListenAddress", value: "\"\(value)\"",
                      expecting: "[host]:port with a port from 1 to 65535")
    }

    @Test("valid listen addresses", arguments: [
        (":3000", "", 3000), ("127.0.0.1:3000", "127.0.0.1", 3000), ("[::1]:3000", "::1", 3000), ("0.0.0.0:80", "0.0.0.0", 80),
    ])
    func goodListenAddress(value: String, host: String, port: Int) throws {
        let config = try parseConfig("{\"ListenAddress\": \"\(value)\"}").configuration
        #expect(config.http.listen == HostPort(host: host, port: port))
    }

    @Test("ProviderType mysql is refused with a specific message")
    func providerMySQL() {
        expectRefusal(#"{"ProviderType": "mysql"}"#, key: "ProviderType", value: #""mysql""#,
                      expecting: "this build manages PostgreSQL only")
        expectRefusal(#"{"ProviderType": "oracle"}"#, key: "ProviderType", value: #""oracle""#, expecting: #""postgresql""#)
    }

    @Test("BackendDB must be sqlite or sqlite3")
    func backendDB() throws {
        expectRefusal(#"{"BackendDB": "mysql"}"#, key: "BackendDB", value: #""mysql""#, expecting: "SQLite")
        expectRefusal(#"{"BackendDB": "postgres"}"#, key: "BackendDB", value: #""postgres""#,
                      expecting: #""sqlite" or "sqlite3""#)
        #expect(try parseConfig(#"{"BackendDB": "sqlite3"}"#).configuration.backend.backendDB == "sqlite3")
        expectRefusal(#"{"SQLite3DataFile": ""}"#, key: "SQLite3DataFile", value: #""""#, expecting: "a file path")
    }

    @Test("every *Filters key compiles its regexes")
    func invalidRegexInFilters() {
        // VerifyReplicationFilters is a boolean (MySQL replication filters), not a regex list.
        let filterKeys = ConfigKeys.all.filter { $0.name.hasSuffix("Filters") && $0.name != "VerifyReplicationFilters" }
        #expect(filterKeys.count >= 10)
        // The cluster filters also take "*", "alias=..." and "alias~=..." (ClusterFilters).
        #expect(filterKeys.allSatisfy { $0.typeName == ($0.name.hasPrefix("Recover") && $0.name.hasSuffix("ClusterFilters")
                                                         ? "list of cluster filters" : "list of regex") })
        for key in filterKeys {
            expectRefusal("{\"\(key.name)\": [\"ok\", \"(unclosed\"]}", key: "\(key.name)[1]", value: #""(unclosed""#,
                          expecting: "a valid regular expression")
        }
        for spelling in ["RecoverPrimaryClusterFilters"] {
            expectRefusal("{\"\(spelling)\": [\"[z-a]\"]}", key: "\(spelling)[0]", value: #""[z-a]""#,
                          expecting: "a valid regular expression")
        }
    }

    @Test("single-pattern keys compile too")
    func invalidSinglePattern() {
        expectRefusal(#"{"DataCenterPattern": "(["}"#, key: "DataCenterPattern", value: #""([""#,
                      expecting: "a valid regular expression")
    }

    @Test("ClusterNameToAlias must be an object of regex to string")
    func clusterNameToAlias() {
        expectRefusal(#"{"ClusterNameToAlias": ["^a"]}"#, key: "ClusterNameToAlias", value: #"["^a"]"#,
                      expecting: "an object mapping cluster-name regexes to aliases")
        expectRefusal(#"{"ClusterNameToAlias": {"^a": 1}}"#, key: #"ClusterNameToAlias["^a"]"#, value: "1",
                      expecting: "a string (the alias)")
        expectRefusal(#"{"ClusterNameToAlias": {"(a": "x"}}"#, key: #"ClusterNameToAlias["(a"]"#, value: #""(a""#,
                      expecting: "a valid regular expression as the key")
    }

    @Test("DiscoverySeeds entries must be host:port", arguments: ["pg1:0", "pg1:65536", "pg1:abc", "fd00::1", "", ":5432", "pg 1"])
    func badSeeds(seed: String) {
        expectRefusal("{\"DiscoverySeeds\": [\"ok:5432\", \"\(seed)\"]}", key: "DiscoverySeeds[1]", value: "\"\(seed)\"",
                      expecting: "host:port with a port from 1 to 65535")
    }

    @Test("good seeds, a bare host gets DefaultInstancePort")
    func goodSeeds() throws {
        let config = try parseConfig(#"{"DefaultInstancePort": 5433, "DiscoverySeeds": ["a", "b:6000", "[fd00::1]:5432", "[fd00::2]"]}"#)
            .configuration
        #expect(config.discoverySeedAddresses == [
            HostPort(host: "a", port: 5433), HostPort(host: "b", port: 6000),
            HostPort(host: "fd00::1", port: 5432), HostPort(host: "fd00::2", port: 5433),
        ])
        #expect(config.discoverySeedAddresses[2].description == "[fd00::1]:5432")
    }

    @Test("AuthenticationMethod supports \"\", basic and multi only")
    func authenticationMethod() {
        expectRefusal(#"{"AuthenticationMethod": "proxy"}"#, key: "AuthenticationMethod", value: #""proxy""#,
                      expecting: #"one of "", "basic", "multi""#)
        expectRefusal(#"{"AuthenticationMethod": "kerberos"}"#, key: "AuthenticationMethod", value: #""kerberos""#,
                      expecting: #"one of "", "basic", "multi""#)
    }

    @Test("basic and multi need HTTPAuthUser", arguments: ["basic", "multi"])
    func authNeedsUser(method: String) throws {
        expectRefusal("{\"AuthenticationMethod\": \"\(method)\", \"HTTPAuthPassword\": \"pw\"}", key: "HTTPAuthUser",
                      value: #""""#, expecting: "because AuthenticationMethod is \"\(method)\"")
        let loaded = try parseConfig("{\"AuthenticationMethod\": \"\(method)\", \"HTTPAuthUser\": \"admin\", \"HTTPAuthPassword\": \"pw\"}")
        #expect(loaded.configuration.http.authenticationMethod.rawValue == method)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("UseSSL needs readable certificate and key files")
    func useSSL() throws {
        expectRefusal(#"{"UseSSL": true}"#, key: "SSLCertFile", value: #""""#, expecting: "because UseSSL is true")
        expectRefusal(#"{"UseSSL": true, "SSLCertFile": "/nonexistent/cert.pem", "SSLPrivateKeyFile": "/nonexistent/key.pem"}"#,
                      key: "SSLCertFile", value: #""/nonexistent/cert.pem""#, expecting: "No such file or directory")
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem")
        try Data("cert".utf8).write(to: cert)
        expectRefusal("{\"UseSSL\": true, \"SSLCertFile\": \"\(cert.path)\"}", key: "SSLPrivateKeyFile", value: #""""#,
                      expecting: "a PEM private key file")
        let config = try parseConfig("{\"UseSSL\": true, \"SSLCertFile\": \"\(cert.path)\", \"SSLPrivateKeyFile\": \"\(cert.path)\"}")
            .configuration
        #expect(config.http.useSSL)
        expectRefusal(#"{"UseMutualTLS": true}"#, key: "UseMutualTLS", value: "true", expecting: "UseSSL true as well")
    }

    @Test("PostgreSQLSSLMode takes libpq's sslmode values")
    func sslMode() throws {
        expectRefusal(#"{"PostgreSQLSSLMode": "required"}"#, key: "PostgreSQLSSLMode", value: #""required""#,
                      expecting: #""disable", "allow", "prefer", "require", "verify-ca", "verify-full""#)
        for mode in Configuration.SSLMode.allCases {
            #expect(try parseConfig("{\"PostgreSQLSSLMode\": \"\(mode.rawValue)\"}").configuration.postgresql.sslMode == mode)
        }
    }

    @Test("HostnameResolveMethod takes none, default, cname, ip")
    func hostnameResolveMethod() {
        expectRefusal(#"{"HostnameResolveMethod": "dns"}"#, key: "HostnameResolveMethod", value: #""dns""#,
                      expecting: #"one of "none", "default", "cname", "ip""#)
    }

    @Test("dead-instance back-off must make sense")
    func deadInstanceBackOff() {
        expectRefusal(#"{"InstancePollSeconds": 10, "DeadInstancePollSecondsMax": 5}"#, key: "DeadInstancePollSecondsMax",
                      value: "5", expecting: ">= InstancePollSeconds (10)")
        expectRefusal(#"{"DeadInstancePollSecondsMultiplyFactor": 0.5}"#, key: "DeadInstancePollSecondsMultiplyFactor",
                      value: "0.5", expecting: "a number >= 1")
    }

    @Test("StatusEndpoint must be a path")
    func statusEndpoint() {
        expectRefusal(#"{"StatusEndpoint": "api/status"}"#, key: "StatusEndpoint", value: #""api/status""#,
                      expecting: #"a path starting with "/""#)
    }

    @Test("URLPrefix is normalised like upstream")
    func urlPrefix() throws {
        #expect(try parseConfig(#"{"URLPrefix": "orchestrator/"}"#).configuration.http.urlPrefix == "/orchestrator")
        #expect(try parseConfig(#"{"URLPrefix": "/"}"#).configuration.http.urlPrefix == "")
    }

    // MARK: the file itself

    @Test("an explicit path that does not exist is refused with the OS reason")
    func missingFile() throws {
        do {
            _ = try Configuration.load(path: "/nonexistent/orchestrator.conf.json", environment: [:])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.kind == .unreadableFile)
            #expect(error.description == "/nonexistent/orchestrator.conf.json: cannot read the configuration file: No such file or directory")
        }
    }

    @Test("a directory is not a config file")
    func directoryAsFile() throws {
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try Configuration.load(path: directory.path, environment: [:])
            Issue.record("loaded a directory")
        } catch {
            #expect(error.kind == .unreadableFile)
            #expect(error.description.hasSuffix("Is a directory"))
        }
    }

    @Test("an unreadable file is refused with the OS reason", .enabled(if: getuid() != 0, "root can read any file"))
    func permissionDenied() throws {
        let directory = try configTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("orchestrator.conf.json")
        try Data("{}".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file.path)
        do {
            _ = try Configuration.load(path: file.path, environment: [:])
            Issue.record("loaded an unreadable file")
        } catch {
            #expect(error.kind == .unreadableFile)
            #expect(error.description.hasSuffix("Permission denied"))
        }
    }
}

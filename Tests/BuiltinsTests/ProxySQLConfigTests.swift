import Builtins
import ConfigJSON
import Foundation
import Host
import Logging
import PGClient
import Testing

/// The `ProxySQL` block the built-in owns: defaults, `${VAR}`, refusals, unknown keys,
/// rendering and secrets, through the daemon's loader.
@Suite("ProxySQL config block")
struct ProxySQLConfigTests {
    @Test("no ProxySQL key: no endpoints, and the configuration equals the defaults")
    func absent() throws {
        let loaded = try parseConfig("{}")
        #expect(loaded.configuration.proxySQL.isEmpty)
        #expect(loaded.configuration == Configuration())
        #expect(loaded.warnings.isEmpty)
    }

    @Test("a ProxySQL entry gets ProxySQL's own defaults")
    func proxySQLEndpointDefaults() throws {
        let loaded = try parseConfig(#"{"ProxySQL": [{"Address": "127.0.0.1", "WriterHostgroup": 10}]}"#)
        let endpoint = try #require(loaded.configuration.proxySQL.first)
        #expect(endpoint.address == "127.0.0.1")
        #expect(endpoint.port == 6132)
        #expect(endpoint.user == "admin")
        #expect(endpoint.password.value == "admin")
        #expect(endpoint.writerHostgroup == 10)
        #expect(endpoint.readerHostgroup == nil)
        #expect(endpoint.preFailoverDrain == false)
        #expect(endpoint.sslMode == .prefer)
        #expect(endpoint.connectTimeoutSeconds == 2)
        #expect(endpoint.timeoutSeconds == 30)
        #expect(endpoint.hostPort.description == "127.0.0.1:6132")
    }

    @Test("strings inside the entries expand ${VAR}")
    func environmentExpansion() throws {
        let config = try parseConfig("""
            {"ProxySQL": [{"Address": "${PROXY_HOST}", "Password": "${PROXY_PASS}", "WriterHostgroup": 10}]}
            """, environment: ["PROXY_HOST": "10.0.0.5", "PROXY_PASS": "proxy-secret"]).configuration
        #expect(config.proxySQL.first?.address == "10.0.0.5")
        #expect(config.proxySQL.first?.password.value == "proxy-secret")
        let error = try #require(configError(#"{"ProxySQL": [{"Address": "${NOPE}", "WriterHostgroup": 1}]}"#))
        #expect(error.kind == .undefinedVariable)
        #expect(error.key == "ProxySQL[0].Address")
        #expect(error.description.contains("NOPE"))
    }

    @Test("a ProxySQL Port must be a port", arguments: ["0", "70000"])
    func proxySQLPort(value: String) {
        expectRefusal("{\"ProxySQL\": [{\"Address\": \"p\", \"WriterHostgroup\": 1, \"Port\": \(value)}]}",
                      key: "ProxySQL[0].Port", value: value, expecting: "a port number from 1 to 65535")
    }

    @Test("ProxySQL must be a list of endpoint objects")
    func proxySQLShape() {
        expectRefusal(#"{"ProxySQL": {"Address": "p"}}"#, key: "ProxySQL", value: #"{"Address":"p"}"#,
                      expecting: "a list of ProxySQL admin endpoints")
        expectRefusal(#"{"ProxySQL": ["p:6132"]}"#, key: "ProxySQL[0]", value: #""p:6132""#, expecting: "an endpoint object")
    }

    @Test("ProxySQL entries need Address and WriterHostgroup")
    func proxySQLRequired() throws {
        let noAddress = try #require(configError(#"{"ProxySQL": [{"WriterHostgroup": 1}]}"#))
        #expect(noAddress.kind == .missingValue)
        #expect(noAddress.key == "ProxySQL[0].Address")
        #expect(noAddress.description.hasPrefix("orchestrator.conf.json: ProxySQL[0].Address: missing, expected "))
        let noWriter = try #require(configError(#"{"ProxySQL": [{"Address": "a", "WriterHostgroup": 1}, {"Address": "b"}]}"#))
        #expect(noWriter.key == "ProxySQL[1].WriterHostgroup")
    }

    @Test("ProxySQL hostgroups: not negative, reader differs from writer")
    func proxySQLHostgroups() throws {
        expectRefusal(#"{"ProxySQL": [{"Address": "a", "WriterHostgroup": -1}]}"#, key: "ProxySQL[0].WriterHostgroup",
                      value: "-1", expecting: ">= 0")
        expectRefusal(#"{"ProxySQL": [{"Address": "a", "WriterHostgroup": 10, "ReaderHostgroup": 10}]}"#,
                      key: "ProxySQL[0].ReaderHostgroup", value: "10", expecting: "other than WriterHostgroup (10)")
        let config = try parseConfig(#"{"ProxySQL": [{"Address": "a", "WriterHostgroup": 10, "ReaderHostgroup": 20, "PreFailoverDrain": true}]}"#)
            .configuration
        #expect(config.proxySQL.first?.readerHostgroup == 20)
        #expect(config.proxySQL.first?.preFailoverDrain == true)
        expectRefusal(#"{"ProxySQL": [{"Address": "a b", "WriterHostgroup": 10}]}"#, key: "ProxySQL[0].Address",
                      value: #""a b""#, expecting: "no spaces")
        expectRefusal(#"{"ProxySQL": [{"Address": "a", "WriterHostgroup": 1, "TimeoutSeconds": 0}]}"#,
                      key: "ProxySQL[0].TimeoutSeconds", value: "0", expecting: ">= 1")
    }

    @Test("unknown keys inside a ProxySQL entry are named with their path")
    func unknownInProxySQL() throws {
        let loaded = try parseConfig(#"{"ProxySQL": [{"Address": "p", "WriterHostgroup": 1, "Pasword": "x"}]}"#)
        #expect(loaded.warnings == [
            #"orchestrator.conf.json: unknown key "ProxySQL[0].Pasword" ignored; did you mean "Password"?"#,
        ])
    }

    @Test("without the built-ins' blocks, ProxySQL is an unknown key")
    func unregistered() throws {
        let loaded = try Configuration.parse(data: Data(#"{"ProxySQL": []}"#.utf8), source: "orchestrator.conf.json", environment: [:])
        #expect(loaded.warnings == [#"orchestrator.conf.json: unknown key "ProxySQL" ignored"#])
    }

    @Test("rendering an endpoint and parsing it back gives it again; ProxySQL renders after Host's keys")
    func renderParseRoundTrip() throws {
        var config = try parseConfig("{}").configuration
        config.postgresql.topologyPassword = "s3cret"
        var endpoint = ProxySQLEndpoint(address: "proxy", port: 6134, writerHostgroup: 10, readerHostgroup: 20)
        endpoint.password = "pw"
        config.proxySQL = [endpoint]
        let rendered = config.redactedDictionary()
        #expect(rendered["ProxySQL"] != nil)
        for original in [try parseConfig("{}").configuration, config] {
            let json = ConfigJSONWriter.pretty(original.rendered(redact: false))
            let parsed = try parseConfig(json)
            #expect(parsed.configuration == original)
            #expect(parsed.warnings.isEmpty)
            guard case .object(let members) = original.rendered(redact: false) else {
                Issue.record("rendering is not an object")
                return
            }
            #expect(members.last?.key == "ProxySQL")
        }
    }

    @Test("ProxySQL passwords are redacted and kept out of the plugins' environment")
    func secrets() throws {
        let config = try parseConfig("""
            {"ProxySQL": [{"Address": "p1", "WriterHostgroup": 10, "Password": "proxy-S3CRET-3"},
                          {"Address": "p2", "WriterHostgroup": 10, "Password": ""}]}
            """).configuration
        let text = config.redactedJSON()
        #expect(!text.contains("proxy-S3CRET-3"))
        let endpoints = try #require(config.redactedDictionary()["ProxySQL"] as? [[String: Any]])
        #expect(endpoints.map { $0["Password"] as? String } == ["<redacted>", ""])
        for shown in [config.description, String(reflecting: config), "\(config.proxySQL)", String(reflecting: config.proxySQL)] {
            #expect(!shown.contains("proxy-S3CRET-3"), "\(shown)")
        }
        #expect(config.blocks[ProxySQLBlock.self].secrets == ["proxy-S3CRET-3", ""])
        let services = PluginServices(configuration: config, logger: .init(label: "test"),
                                      environment: ["DATABASE_URL": "postgres://u:proxy-S3CRET-3@db/x", "HOME": "/root"],
                                      topology: { nil }, sql: { _, _, _, _ in PGResult(columns: [], rows: [], commandTag: "") })
        #expect(services.environment == ["HOME": "/root"])
    }

    @Test("no error message shows a ProxySQL password", arguments: [
        #"{"ProxySQL": {"Address": "p", "Password": "proxy-S3CRET-3"}}"#,
        #"{"ProxySQL": [{"Address": "p", "Password": "proxy-S3CRET-3", "WriterHostgroup": "10"}]}"#,
        #"{"ProxySQL": [{"Address": "p", "Password": "proxy-S3CRET-3"}]}"#,
        #"{"ProxySQL": [{"Address": "p", "Password": 5, "WriterHostgroup": 1}]}"#,
        #"{"ProxySQL": [{"Address": "p", "WriterHostgroup": 1, "Password": "proxy-S3CRET-3", "Password": "other"}]}"#,
    ])
    func errorsNeverShowPasswords(json: String) throws {
        let error = try #require(configError(json))
        #expect(!error.description.contains("proxy-S3CRET-3"))
        #expect(!String(reflecting: error).contains("proxy-S3CRET-3"))
    }
}

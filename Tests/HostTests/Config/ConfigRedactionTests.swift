import Foundation
import Testing
@testable import Host

@Suite("Config secrets")
struct ConfigRedactionTests {
    static let pgPassword = "pg-S3CRET-1"
    static let httpPassword = "http-S3CRET-2"
    static let proxyPassword = "proxy-S3CRET-3"
    static let secrets = [pgPassword, httpPassword, proxyPassword]

    static let json = """
        {"PostgreSQLTopologyUser": "orc", "PostgreSQLTopologyPassword": "\(pgPassword)",
         "AuthenticationMethod": "basic", "HTTPAuthUser": "admin", "HTTPAuthPassword": "\(httpPassword)"}
        """

    private func expectNoSecret(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in Self.secrets {
            #expect(!text.contains(secret), "\(what) shows a password: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test("the redacted JSON replaces every non-empty password and keeps the rest")
    func redactedJSON() throws {
        let config = try parseConfig(Self.json).configuration
        #expect(config.postgresql.topologyPassword.value == Self.pgPassword)
        let text = config.redactedJSON()
        expectNoSecret(text, "redactedJSON")
        #expect(text.contains(#""PostgreSQLTopologyPassword": "<redacted>""#))
        #expect(text.contains(#""HTTPAuthPassword": "<redacted>""#))
        #expect(text.contains(#""PostgreSQLTopologyUser": "orc""#))
        let dictionary = config.redactedDictionary()
        #expect(dictionary["PostgreSQLTopologyPassword"] as? String == "<redacted>")
        #expect(dictionary["InstancePollSeconds"] as? Int == 5)
        let data = try JSONSerialization.data(withJSONObject: dictionary)
        expectNoSecret(String(decoding: data, as: UTF8.self), "redactedDictionary")
        // The redacted JSON is itself valid config JSON.
        #expect(try parseConfig(text).configuration.http.authUser == "admin")
    }

    @Test("an empty password is shown as empty, not as redacted")
    func emptyPasswordNotRedacted() {
        let text = Configuration().redactedJSON(pretty: false)
        #expect(text.contains(#""PostgreSQLTopologyPassword":"""#))
        #expect(Secret("").description == "\"\"")
    }

    @Test("description, debugDescription, interpolation and dump never print a password")
    func descriptions() throws {
        let config = try parseConfig(Self.json).configuration
        expectNoSecret(config.description, "description")
        expectNoSecret(config.debugDescription, "debugDescription")
        expectNoSecret("\(config)", "interpolation")
        expectNoSecret(String(reflecting: config), "String(reflecting:)")
        expectNoSecret("\(config.postgresql) \(config.http)", "nested values")
        var dumped = ""
        dump(config, to: &dumped)
        expectNoSecret(dumped, "dump")
        #expect(config.description.contains("<redacted>"))
        #expect("\(config.postgresql.topologyPassword)" == "<redacted>")
    }

    @Test("no error message or warning shows a password", arguments: [
        // the password itself has the wrong type
        #"{"PostgreSQLTopologyPassword": 123456789}"#,
        #"{"HTTPAuthPassword": ["pg-S3CRET-1"]}"#,
        #"{"MySQLTopologyPassword": {"x": "pg-S3CRET-1"}}"#,
        #"{"MySQLOrchestratorPassword": ["pg-S3CRET-1"]}"#,
        // a wrongly shaped value that contains a password (the blocks' own cases are in their tests)
        #"{"ClusterNameToAlias": [{"Address": "p", "Password": "proxy-S3CRET-3"}]}"#,
        #"{"DiscoverySeeds": [{"Secret": "proxy-S3CRET-3"}]}"#,
        // conflicts and env references in secrets
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1", "PostgreSQLTopologyPassword": "http-S3CRET-2"}"#,
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1${UNDEFINED}"}"#,
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1${bad-name}"}"#,
        // syntax errors inside a password string
        "{\"PostgreSQLTopologyPassword\": \"pg-S3CRET-1\n\"}",
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1\q"}"#,
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1"#,
        // other errors in a file that carries passwords
        #"{"HTTPAuthPassword": "http-S3CRET-2", "AuthenticationMethod": "basic"}"#,
        #"{"PostgreSQLTopologyPassword": "pg-S3CRET-1", "InstancePollSeconds": 0}"#,
        #"["pg-S3CRET-1"]"#,
    ])
    func errorsNeverShowPasswords(json: String) throws {
        do {
            let loaded = try parseConfig(json)
            Issue.record("expected a refusal, got \(loaded.configuration)")
        } catch {
            expectNoSecret(error.description, "error")
            expectNoSecret(String(reflecting: error), "error reflection")
        }
    }

    @Test("warnings never show a password")
    func warningsNeverShowPasswords() throws {
        let loaded = try parseConfig("""
            {"PostgreSQLTopologyPassword": "\(Self.pgPassword)", "MySQLTopologyPassword": "\(Self.httpPassword)",
             "postgresqltopologypassword": "\(Self.pgPassword)", "UnknownPassword": "\(Self.proxyPassword)",
             "AuthenticationMethod": "basic", "HTTPAuthUser": "u"}
            """)
        #expect(loaded.warnings.count == 4)
        for warning in loaded.warnings { expectNoSecret(warning, "warning") }
    }
}

import Testing
@testable import Host

@Suite("Config ${ENV} expansion")
struct ConfigEnvironmentTests {
    let environment = [
        "PG_PASS": "pa$$word",
        "PG_HOST": "db1",
        "PROXY_PASS": "proxy-secret",
        "PROXY_HOST": "10.0.0.5",
        "EMPTY": "",
        "LISTEN": ":99999",
    ]

    @Test("top-level strings expand, also several references and surrounding text")
    func topLevel() throws {
        let config = try parseConfig("""
            {"PostgreSQLTopologyPassword": "${PG_PASS}",
             "PostgreSQLTopologyUser": "orc-${PG_HOST}-${EMPTY}x",
             "SQLite3DataFile": "/data/${PG_HOST}/orc.db"}
            """, environment: environment).configuration
        #expect(config.postgresql.topologyPassword.value == "pa$$word")
        #expect(config.postgresql.topologyUser == "orc-db1-x")
        #expect(config.backend.sqlite3DataFile == "/data/db1/orc.db")
    }

    @Test("strings inside lists and objects expand")
    func nested() throws {
        let config = try parseConfig("""
            {"DiscoverySeeds": ["${PG_HOST}:5433", "${PG_HOST}"],
             "ClusterNameToAlias": {"^db1": "main-${PG_HOST}"},
             "LuaScripts": ["/etc/orc/${PG_HOST}.lua"]}
            """, environment: environment).configuration
        #expect(config.discovery.seeds == ["db1:5433", "db1"])
        #expect(config.clusters.nameToAlias == [.init(pattern: "^db1", alias: "main-db1")])
        #expect(config.plugins.luaScripts == ["/etc/orc/db1.lua"])
    }

    @Test("an undefined variable is refused, naming the key and the variable")
    func undefinedVariable() throws {
        let error = try #require(configError(#"{"PostgreSQLTopologyUser": "${NOPE}"}"#, environment: environment))
        #expect(error.kind == .undefinedVariable)
        #expect(error.key == "PostgreSQLTopologyUser")
        #expect(error.description.contains("NOPE"))
        #expect(error.description.contains("PostgreSQLTopologyUser"))
    }

    @Test("an undefined variable in a password names the variable but shows the value redacted")
    func undefinedVariableInSecret() throws {
        let error = try #require(configError(#"{"PostgreSQLTopologyPassword": "x${NOPE}"}"#, environment: environment))
        #expect(error.kind == .undefinedVariable)
        #expect(error.value == "<redacted>")
        #expect(error.description.contains("environment variable NOPE to be set"))
    }

    @Test("an undefined variable inside a list or an object names the element", arguments: [
        (#"{"DiscoverySeeds": ["db0", "${NOPE}:5432"]}"#, "DiscoverySeeds[1]"),
        (#"{"ClusterNameToAlias": {"^a": "${NOPE}"}}"#, #"ClusterNameToAlias["^a"]"#),
    ])
    func undefinedNested(json: String, key: String) throws {
        let error = try #require(configError(json, environment: environment))
        #expect(error.kind == .undefinedVariable)
        #expect(error.key == key)
        #expect(error.description.contains("NOPE"))
    }

    @Test("$${ is a literal ${, other dollars are literal")
    func escapes() throws {
        let config = try parseConfig(#"""
            {"PostgreSQLTopologyPassword": "a$${PG_PASS}b", "PostgreSQLTopologyUser": "$x$$y$", "WebMessage": "cost: $5 {x}"}
            """#, environment: environment).configuration
        #expect(config.postgresql.topologyPassword.value == "a${PG_PASS}b")
        #expect(config.postgresql.topologyUser == "$x$$y$")
        #expect(config.http.webMessage == "cost: $5 {x}")
    }

    @Test("a malformed reference is refused", arguments: [#""${PG_HOST""#, #""${}""#, #""${A-B}""#, #""${X:-d}""#])
    func malformed(value: String) throws {
        let error = try #require(configError("{\"WebMessage\": \(value)}", environment: environment))
        #expect(error.kind == .undefinedVariable)
        #expect(error.key == "WebMessage")
        #expect(error.expected.contains("${NAME}"))
    }

    @Test("hook commands are not expanded: the shell does that when the hook runs")
    func hooksNotExpanded() throws {
        let config = try parseConfig(#"{"PostFailoverProcesses": ["echo ${ORC_SUCCESSOR_HOST} ${NOPE}"]}"#,
                                     environment: environment).configuration
        #expect(config.hooks.postFailover == ["echo ${ORC_SUCCESSOR_HOST} ${NOPE}"])
    }

    @Test("ignored upstream keys are not expanded, so their variables need not exist")
    func ignoredNotExpanded() throws {
        let loaded = try parseConfig(#"{"MySQLOrchestratorPassword": "${NOPE}"}"#, environment: environment)
        #expect(loaded.configuration == Configuration())
    }

    @Test("the expanded value is validated, and the message shows both forms")
    func expandedValueValidated() throws {
        let error = try #require(configError(#"{"ListenAddress": "${LISTEN}"}"#, environment: environment))
        #expect(error.kind == .invalidValue)
        #expect(error.value == #"":99999" (from "${LISTEN}")"#)
    }
}

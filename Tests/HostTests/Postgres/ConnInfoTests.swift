import Host
import PGClient
import Testing

@Suite("ConnInfo: libpq connection strings")
struct ConnInfoTests {
    @Test("keyword/value with quotes and backslash escapes")
    func parsesQuotedValues() throws {
        let info = try ConnInfo(parsing: #"user=replicator password='it\'s a \\secret' host = 'db one' port=5433 application_name=n2"#)
        #expect(info["user"] == "replicator")
        #expect(info["password"] == #"it's a \secret"#)
        #expect(info["host"] == "db one")
        #expect(info["port"] == "5433")
        #expect(info.parameters.map(\.keyword) == ["user", "password", "host", "port", "application_name"])
    }

    @Test("what pg_basebackup -R writes parses, and unknown keywords are kept")
    func parsesBasebackupOutput() throws {
        let text = "user=replicator passfile='/var/lib/postgresql/.pgpass' channel_binding=prefer host=10.0.0.5 port=5432 sslmode=prefer sslnegotiation=postgres gssencmode=prefer krbsrvname=postgres target_session_attrs=any load_balance_hosts=disable"
        let info = try ConnInfo(parsing: text)
        #expect(info["host"] == "10.0.0.5")
        #expect(info["sslnegotiation"] == "postgres")
        #expect(info.parameters.count == 11)
        #expect(try ConnInfo(parsing: info.text) == info)
    }

    @Test("changing host and port keeps every other parameter and its order")
    func rewriteKeepsTheRest() throws {
        var info = try ConnInfo(parsing: "user=r password=p host=old port=5432 application_name=n3 sslmode=require")
        info["host"] = "new primary"
        info["port"] = "6543"
        #expect(info.text == "user=r password=p host='new primary' port=6543 application_name=n3 sslmode=require")
        info["application_name"] = nil
        info["options"] = "-c x=1"
        #expect(info.text == "user=r password=p host='new primary' port=6543 sslmode=require options='-c x=1'")
    }

    @Test("values that need quoting round-trip exactly", arguments: ["", "a b", "it's", #"back\slash"#, "tab\there", "ünïcødé", "=", "'"])
    func roundTrip(value: String) throws {
        let info = ConnInfo([.init("password", value), .init("host", "h")])
        let parsed = try ConnInfo(parsing: info.text)
        #expect(parsed["password"] == value)
        #expect(parsed == info)
    }

    @Test("URI form is parsed by libpq")
    func parsesURI() throws {
        let info = try ConnInfo(parsing: "postgresql://repl:s%40cret@db2:5433/postgres?application_name=n4&sslmode=disable")
        #expect(info["host"] == "db2")
        #expect(info["port"] == "5433")
        #expect(info["user"] == "repl")
        #expect(info["password"] == "s@cret")
        #expect(info["application_name"] == "n4")
    }

    @Test("malformed strings are errors that say what is wrong", arguments: [
        ("host", "missing \"=\" after \"host\""),
        ("host='unterminated", "unterminated quoted string for \"host\""),
    ])
    func rejectsMalformed(text: String, message: String) {
        #expect(throws: ConnInfo.ParseError(message: message)) { try ConnInfo(parsing: text) }
    }

    @Test("bad URI is reported by libpq's message")
    func rejectsBadURI() {
        #expect(throws: ConnInfo.ParseError.self) { try ConnInfo(parsing: "postgresql://h/db?nosuchoption=1") }
    }

    @Test("description never shows the password")
    func redactsPassword() throws {
        let info = try ConnInfo(parsing: "host=h password=hunter2 user=u")
        #expect(!info.description.contains("hunter2"))
        #expect(info.description.contains("<redacted>"))
        #expect(info.description.contains("user=u"))
    }
}

@Suite("Secrets and session settings in connection strings")
struct ConnInfoSecretsTests {
    @Test("primary_conninfo as stored and served keeps no password, sslpassword or other secret; file paths stay")
    func secretsRemoved() throws {
        let info = try ConnInfo(parsing: "user=r password=p1 sslpassword=p2 host=h sslkey=/k.pem sslrootcert=/ca.pem passfile=/pgpass "
            + "sslcert=/c.pem some_future_secret=s oauth_client_secret=t keepalives=1 application_name=n")
        let kept = info.withoutSecrets
        #expect(kept.parameters.map(\.keyword) == ["user", "host", "sslkey", "sslrootcert", "passfile", "sslcert", "keepalives",
                                                   "application_name"])
        #expect(!kept.text.contains("p1") && !kept.text.contains("p2") && !kept.text.contains("=s ") && !kept.text.contains("=t"))
        #expect(!info.description.contains("p1") && !info.description.contains("p2"))
        #expect(info.description.contains("sslpassword=<redacted>"))
    }

    @Test("every daemon session pins search_path, standard_conforming_strings and server timeouts equal to its deadline")
    func sessionOptions() {
        let connector = Connector(user: "u", password: "p", sslMode: "verify-full", queryTimeout: .milliseconds(2500))
        let info = connector.conninfo(for: InstanceKey(host: "db1", port: 5432))
        #expect(info["options"] == "-c search_path=pg_catalog,pg_temp -c standard_conforming_strings=on "
            + "-c statement_timeout=2500 -c lock_timeout=2500")
        #expect(connector.withQueryTimeout(.seconds(7)).conninfo(for: InstanceKey(host: "db1", port: 5432))["options"]?
            .hasSuffix("statement_timeout=7000 -c lock_timeout=7000") == true)
        // ProxySQL's admin port knows no PostgreSQL settings.
        let proxy = PGConnectionSettings(user: "u", password: "p", sslMode: "require", pinsSessionSettings: false)
        #expect(proxy.conninfo(host: "p", port: 6132)["options"] == nil)
    }

    @Test("TLS keys reach libpq: sslrootcert, sslcert, sslkey, sslcrl, channel_binding")
    func tlsKeys() throws {
        let loaded = try parseConfig("""
            {"PostgreSQLSSLMode": "verify-full", "PostgreSQLTopologySSLCAFile": "/etc/orc/ca.pem",
             "PostgreSQLTopologySSLCertFile": "/etc/orc/client.pem", "PostgreSQLTopologySSLPrivateKeyFile": "/etc/orc/client.key",
             "PostgreSQLTopologySSLCRLFile": "/etc/orc/crl.pem", "PostgreSQLChannelBinding": "require"}
            """)
        let info = Connector(loaded.configuration).conninfo(for: InstanceKey(host: "db1", port: 5432))
        #expect(info["sslmode"] == "verify-full")
        #expect(info["sslrootcert"] == "/etc/orc/ca.pem")
        #expect(info["sslcert"] == "/etc/orc/client.pem")
        #expect(info["sslkey"] == "/etc/orc/client.key")
        #expect(info["sslcrl"] == "/etc/orc/crl.pem")
        #expect(info["channel_binding"] == "require")
        #expect(throws: ConfigError.self) { try parseConfig(#"{"PostgreSQLChannelBinding": "always"}"#) }
        // Defaults: libpq's own (no file keywords, channel_binding=prefer).
        let plain = Connector(try parseConfig("{}").configuration).conninfo(for: InstanceKey(host: "db1", port: 5432))
        #expect(plain["sslrootcert"] == nil && plain["channel_binding"] == "prefer")
    }
}

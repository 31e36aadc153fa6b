import ConfigJSON
import Foundation
import Testing
@testable import Host

/// A block as a compiled-in plugin would declare one: a list of names and a token.
private struct WidgetBlock: ConfigBlock {
    var widgets: [String] = []
    var token: Secret = ""

    static let section = ConfigSection("Widgets")
    static let keys: [ConfigKeyDescriptor<Configuration>] = [
        ConfigKeyDescriptor<Configuration>(
            name: "Widgets", section: section, typeName: "list of strings", defaultValue: .array([]), doc: "The widgets.",
            status: .honoured(swiftPath: "config.widgets"),
            apply: { root, value, key, context throws(ConfigError) in
                root.blocks[WidgetBlock.self].widgets = try context.stringList(value, key: key.path, expand: true,
                                                                               expected: "a list of widget names")
            },
            render: { root, _ in [ConfigJSONMember(key: "Widgets", value: .strings(root.blocks[WidgetBlock.self].widgets))] }),
        ConfigKeyDescriptor<Configuration>(
            name: "WidgetToken", section: section, typeName: "string (secret)", defaultValue: .string(""), doc: "Their token.",
            status: .honoured(swiftPath: "config.widgetToken"), secret: true,
            apply: { root, value, key, context throws(ConfigError) in
                root.blocks[WidgetBlock.self].token = Secret(try context.string(value, key: key.path, secret: true, expand: true).value)
            },
            render: { root, redact in
                let token = root.blocks[WidgetBlock.self].token
                return [ConfigJSONMember(key: "WidgetToken", value: .string(redact && !token.isEmpty ? Secret.redactedText : token.value))]
            }),
    ]
    static let reference = ["", "A widget is a thing."]

    var secrets: [String] { [token.value] }
}

@Suite("Config blocks of compiled-in plugins")
struct ConfigBlockTests {
    private func parse(_ json: String, blocks: [any ConfigBlock.Type] = [WidgetBlock.self]) throws -> LoadedConfiguration {
        try Configuration.parse(data: Data(json.utf8), source: "orchestrator.conf.json", environment: ["W": "w3"], blocks: blocks)
    }

    @Test("a registered block's keys are parsed into its value, with ${VAR}, and errors name its keys")
    func parsed() throws {
        let loaded = try parse(#"{"Widgets": ["w1", "${W}"], "WidgetToken": "t0ken", "InstancePollSeconds": 3}"#)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration.blocks[WidgetBlock.self].widgets == ["w1", "w3"])
        #expect(loaded.configuration.discovery.instancePollSeconds == 3)
        #expect(throws: ConfigError.self) { try parse(#"{"Widgets": "w1"}"#) }
        let error = try #require({ () -> ConfigError? in
            do { _ = try parse(#"{"WidgetToken": 5}"#) } catch let error as ConfigError { return error } catch {}
            return nil
        }())
        #expect(error.key == "WidgetToken" && error.value == "<redacted>")
    }

    @Test("an unregistered block's key is an unknown key")
    func unregistered() throws {
        let loaded = try parse(#"{"Widgets": ["w1"]}"#, blocks: [])
        #expect(loaded.warnings == [#"orchestrator.conf.json: unknown key "Widgets" ignored"#])
        #expect(loaded.configuration.blocks.types.isEmpty)
    }

    @Test("a block renders after Host's keys, redacted, and round-trips; absent, it equals its default")
    func rendered() throws {
        let loaded = try parse(#"{"Widgets": ["w1"], "WidgetToken": "t0ken"}"#)
        guard case .object(let members) = loaded.configuration.rendered(redact: true) else {
            Issue.record("rendering is not an object")
            return
        }
        #expect(members.suffix(2).map(\.key) == ["Widgets", "WidgetToken"])
        #expect(!loaded.configuration.description.contains("t0ken"))
        let again = try parse(ConfigJSONWriter.pretty(loaded.configuration.rendered(redact: false)))
        #expect(again.configuration == loaded.configuration)
        #expect(try parse("{}").configuration == Configuration())
        #expect(loaded.configuration != Configuration())
        #expect(try parse("{}").configuration.blocks.types.count == 1)
    }

    @Test("a block's passwords are kept out of the plugins' environment")
    func secrets() throws {
        let configuration = try parse(#"{"WidgetToken": "t0ken-value"}"#).configuration
        let services = PluginServices(configuration: configuration, logger: quietLogger,
                                      environment: ["URL": "https://u:t0ken-value@x", "HOME": "/root"],
                                      topology: { nil }, sql: { _, _, _, _ in throw UnusedService() })
        #expect(services.environment == ["HOME": "/root"])
    }

    @Test("the reference lists a block's section after Host's and before the ignored keys")
    func reference() {
        let markdown = ConfigReference.markdown(blocks: [WidgetBlock.self])
        let section = markdown.range(of: "\n## Widgets\n\n| Key | Type | Default | Description |")
        #expect(section != nil)
        #expect(markdown.contains("| `WidgetToken` | string (secret) | `\"\"` | Their token. Secret: shown as `<redacted>`. Swift: `config.widgetToken`. |"))
        #expect(markdown.contains("\nA widget is a thing.\n\n## Accepted and ignored\n"))
        #expect(!ConfigReference.markdown().contains("## Widgets"))
    }
}

import Builtins
import Foundation
import Host
import Testing

/// `docs/config.md` is what the executable prints for `config-reference`: Host's keys and the
/// built-ins' blocks.
@Suite("Config reference with the built-ins")
struct ConfigDocsTests {
    static let docsURL = repositoryRoot.appendingPathComponent("docs/config.md")

    @Test("docs/config.md is exactly ConfigReference.markdown(blocks: BuiltinPlugins.configBlocks)")
    func docsAreInSync() throws {
        let expected = ConfigReference.markdown(blocks: BuiltinPlugins.configBlocks)
        if ProcessInfo.processInfo.environment["REGENERATE_CONFIG_DOCS"] == "1" {
            try expected.write(to: Self.docsURL, atomically: true, encoding: .utf8)
        }
        let onDisk = (try? String(contentsOf: Self.docsURL, encoding: .utf8)) ?? "<missing: \(Self.docsURL.path)>"
        guard onDisk != expected else { return }
        let diskLines = onDisk.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(diskLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(diskLines.count, expectedLines.count)
        func line(_ lines: [Substring], _ index: Int) -> String { index < lines.count ? String(lines[index]) : "<end of file>" }
        Issue.record("""
            docs/config.md is out of date with the key tables; regenerate it with \
            `\(ConfigReference.regenerateCommand)` (in this package: `REGENERATE_CONFIG_DOCS=1 swift test --filter ConfigDocsTests`).
            First difference at line \(firstDifference + 1):
              docs/config.md: \(line(diskLines, firstDifference))
              generated:      \(line(expectedLines, firstDifference))
            """)
    }

    @Test("the reference has the ProxySQL section after Host's, with every field of an entry and its Swift property")
    func proxySQLSection() throws {
        let markdown = ConfigReference.markdown(blocks: BuiltinPlugins.configBlocks)
        let section = try #require(markdown.range(of: "\n## ProxySQL\n"))
        #expect(markdown.range(of: "\n## Plugins (Lua and drop-in directories)\n").map { $0.lowerBound < section.lowerBound } == true)
        #expect(markdown.range(of: "\n## Accepted and ignored\n").map { section.upperBound < $0.lowerBound } == true)
        #expect(markdown.contains("| `ProxySQL` | list of endpoint objects | `[]` |"))
        #expect(markdown.contains("Swift: `config.proxySQL`."))
        for key in ProxySQLEndpointKeys.all {
            #expect(markdown.contains("| `\(key.name)` |"), "ProxySQL field \(key.name) has no row")
            if case .honoured(let swiftPath) = key.status {
                #expect(swiftPath.hasPrefix("config.proxySQL[i]."), "\(key.name): odd Swift path \(swiftPath)")
                #expect(markdown.contains("Swift: `\(swiftPath)`"))
            }
        }
        let fieldNames = ProxySQLEndpointKeys.all.map { $0.name.lowercased() }
        #expect(Set(fieldNames).count == fieldNames.count)
        #expect(!ConfigReference.markdown().contains("\n## ProxySQL\n"), "Host alone lists no ProxySQL section")
    }
}

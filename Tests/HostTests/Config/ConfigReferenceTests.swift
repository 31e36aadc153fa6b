import Foundation
import Testing
@testable import Host

@Suite("Config reference")
struct ConfigReferenceTests {
    /// `docs/config.md`, found from this file: Tests/HostTests/ -> package root.
    static let docsURL = repositoryRoot.appendingPathComponent("docs/config.md")

    @Test("docs/config.md is exactly ConfigReference.markdown()")
    func docsAreInSync() throws {
        let expected = ConfigReference.markdown()
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
            docs/config.md is out of date with the key table; regenerate it with \
            `\(ConfigReference.regenerateCommand)` (in this package: `REGENERATE_CONFIG_DOCS=1 swift test --filter ConfigReferenceTests`).
            First difference at line \(firstDifference + 1):
              docs/config.md: \(line(diskLines, firstDifference))
              generated:      \(line(expectedLines, firstDifference))
            """)
    }

    @Test("the reference names every key, alias and ProxySQL field, with its Swift property")
    func referenceCoversEveryKey() {
        let markdown = ConfigReference.markdown()
        for key in ConfigKeys.all {
            #expect(markdown.contains("| `\(key.name)` |"), "\(key.name) has no row")
            for alias in key.aliases {
                #expect(markdown.contains("`\(alias.name)`"), "alias \(alias.name) is not mentioned")
            }
            if case .honoured(let swiftPath) = key.status {
                #expect(swiftPath.hasPrefix("config"), "\(key.name): odd Swift path \(swiftPath)")
                #expect(markdown.contains("Swift: `\(swiftPath)`"))
            }
        }
        for key in ProxySQLEndpointKeys.all {
            #expect(markdown.contains("| `\(key.name)` |"), "ProxySQL field \(key.name) has no row")
        }
        #expect(markdown.contains(ConfigReference.regenerateCommand))
        #expect(markdown.contains("Swift: `config.discovery.instancePollSeconds`"))
    }

    @Test("the key tables are consistent: unique names, a doc or reason for each key")
    func tablesAreConsistent() {
        var seen: [String: String] = [:]
        for key in ConfigKeys.all {
            for name in key.allNames {
                let folded = name.lowercased()
                #expect(seen[folded] == nil, "\(name) is declared twice (also by \(seen[folded] ?? ""))")
                seen[folded] = key.name
            }
            switch key.status {
            case .honoured: #expect(!key.doc.isEmpty, "\(key.name) has no doc")
            case .ignored(let reason): #expect(!reason.isEmpty, "\(key.name) has no reason")
            }
        }
        #expect(ConfigKeys.all.count > 150)
        let fieldNames = ProxySQLEndpointKeys.all.map { $0.name.lowercased() }
        #expect(Set(fieldNames).count == fieldNames.count)
    }
}

import Foundation
import Testing
@testable import Host

@Suite("Config reference")
struct ConfigReferenceTests {
    @Test("the reference names every key and alias, with its Swift property")
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
    }
}

import Foundation
import HookAPI

/// Reads `HookDirectories`: `DIR/<point>/NN-name.lua` (a Lua file) or `DIR/<point>/NN-name`
/// (an executable), in directory order, then point, then file name (byte order, so `10-` runs
/// before `20-`). Anything else is skipped with a warning; nothing here can stop the daemon.
/// Files that fail `PluginFileTrust` (owner, modes of the file and the directories above it)
/// are refused, with the reason, in `refused`.
struct HookDirectoryScan {
    enum Kind: Sendable, Equatable {
        case lua
        case executable
    }

    struct Entry: Sendable, Equatable {
        var point: HookPoint
        var path: String
        var kind: Kind
        /// What was checked; execution re-opens exactly this file.
        var checked: PluginFileTrust.Checked
    }

    var entries: [Entry] = []
    var warnings: [String] = []
    var refused: [PluginStatus.Disabled] = []

    init(directories: [String]) {
        let files = FileManager.default
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                warnings.append("HookDirectories: \(directory) is not a directory; skipped")
                continue
            }
            let names = ((try? files.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let pointDirectory = (directory as NSString).appendingPathComponent(name)
                guard let point = HookPoint(pluginName: name) else {
                    warnings.append("HookDirectories: \(pointDirectory) does not name a point (expected one of \(HookPoint.allCases.map(\.snakeCaseName).joined(separator: ", "))); skipped")
                    continue
                }
                scan(pointDirectory, point: point)
            }
        }
    }

    private mutating func scan(_ directory: String, point: HookPoint) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            // Symbolic links are followed: hooks are often linked in from a package's files.
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
            guard type == .typeRegular else {
                warnings.append("\(path): not a regular file; skipped")
                continue
            }
            let kind: Kind? = name.hasSuffix(".lua") ? .lua : FileManager.default.isExecutableFile(atPath: path) ? .executable : nil
            if let kind {
                do throws(PluginFileTrust.Refusal) {
                    entries.append(Entry(point: point, path: path, kind: kind, checked: try PluginFileTrust.check(path)))
                } catch {
                    refused.append(PluginStatus.Disabled(source: path, reason: "refused: \(error.description)"))
                }
            } else {
                warnings.append("\(path): neither a .lua file nor executable; skipped (chmod +x it to run it)")
            }
        }
    }
}

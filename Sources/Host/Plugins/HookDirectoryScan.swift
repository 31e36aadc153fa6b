import Foundation
import HookAPI

/// Reads `HookDirectories`: `DIR/<point>/NN-name.lua` (a Lua file) or `DIR/<point>/NN-name`
/// (an executable), in directory order, then point, then file name (byte order, so `10-` runs
/// before `20-`). Anything else is skipped with a warning; nothing here can stop the daemon.
struct HookDirectoryScan {
    enum Kind: Sendable, Equatable {
        case lua
        case executable
    }

    struct Entry: Sendable, Equatable {
        var point: HookPoint
        var path: String
        var kind: Kind
    }

    var entries: [Entry] = []
    var warnings: [String] = []

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
            if name.hasSuffix(".lua") {
                entries.append(Entry(point: point, path: path, kind: .lua))
            } else if FileManager.default.isExecutableFile(atPath: path) {
                entries.append(Entry(point: point, path: path, kind: .executable))
            } else {
                warnings.append("\(path): neither a .lua file nor executable; skipped (chmod +x it to run it)")
            }
        }
    }
}

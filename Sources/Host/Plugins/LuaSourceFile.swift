internal import COrchestratorSystem
import Foundation

/// Reads a Lua script, bounded: a regular file of at most `limit` bytes (`/dev/zero` or a
/// FIFO named in `LuaScripts` is refused at once instead of being read forever).
enum LuaSourceFile {
    /// Largest script accepted.
    static let limit = 4 << 20

    /// Reads through `descriptor` (an `O_PATH` descriptor is reopened for reading through
    /// `/proc/self/fd`, which yields the same file).
    static func read(descriptor: Int32, path: String, limit: Int) throws(PluginFileTrust.Refusal) -> Data {
        try read(opening: "/proc/self/fd/\(descriptor)", path: path, limit: limit)
    }

    /// Reads the file at `path` (links followed).
    static func read(path: String, limit: Int) throws(PluginFileTrust.Refusal) -> Data {
        try read(opening: path, path: path, limit: limit)
    }

    /// O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused by type).
    private static func read(opening name: String, path: String, limit: Int) throws(PluginFileTrust.Refusal) -> Data {
        let reading = Foundation.open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard reading >= 0 else { throw PluginFileTrust.Refusal(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(reading) }
        var info = csystem_file_info()
        guard csystem_fstat(reading, &info) == 0, info.mode & S_IFMT == S_IFREG else {
            throw PluginFileTrust.Refusal(description: "\(path) is not a regular file")
        }
        guard Int(info.size) <= limit else {
            throw PluginFileTrust.Refusal(description: "\(path) is larger than \(limit) bytes")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while data.count <= limit {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(reading, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw PluginFileTrust.Refusal(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
        }
        throw PluginFileTrust.Refusal(description: "\(path) is larger than \(limit) bytes")
    }
}

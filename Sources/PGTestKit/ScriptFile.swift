import Foundation

/// Writes a file a test will execute (a hook, a drop-in plugin). Opened with O_CLOEXEC: other
/// tests spawn processes concurrently, and a child that inherited the write descriptor would
/// make executing the script fail with ETXTBSY ("text file busy") for as long as it runs.
public enum ScriptFile {
    @discardableResult
    public static func write(_ contents: String, to path: String, executable: Bool = true) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let mode: mode_t = executable ? 0o755 : 0o644
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        fchmod(fd, mode)
        return path
    }
}

internal import COrchestratorSystem
import Foundation

/// Reading the config file and checking referenced files, with the operating system's own
/// reason ("No such file or directory", "Permission denied", "Is a directory") on failure.
enum ConfigFileAccess {
    static func read(_ path: String) -> Result<[UInt8], ReadFailure> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return .failure(ReadFailure(reason: lastErrorText())) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(reason: lastErrorText()))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maximumSize {
                return .failure(ReadFailure(reason: "larger than \(maximumSize / (1024 * 1024)) MiB, not a config file"))
            }
        }
    }

    /// nil when `path` is a readable regular file, otherwise the reason.
    static func readabilityProblem(_ path: String) -> String? {
        var info = csystem_file_info()
        guard csystem_stat(path, &info) == 0 else { return lastErrorText() }
        if info.mode & S_IFMT == S_IFDIR { return String(cString: strerror(EISDIR)) }
        guard access(path, R_OK) == 0 else { return lastErrorText() }
        return nil
    }

    static func exists(_ path: String) -> Bool {
        var info = csystem_file_info()
        return csystem_stat(path, &info) == 0
    }

    struct ReadFailure: Error {
        var reason: String
    }

    static let maximumSize = 16 * 1024 * 1024

    private static func lastErrorText() -> String {
        let code = errno
        return String(cString: strerror(code))
    }
}

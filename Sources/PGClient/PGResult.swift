public import HookAPI

/// The outcome of one statement, copied out of libpq in text format.
public struct PGResult: Sendable {
    public let columns: [String]
    public let rows: [PGRow]
    /// The command tag, e.g. `SELECT 3`, `INSERT 0 1`, `ALTER SYSTEM`.
    public let commandTag: String
    /// Rows affected, for commands that report it.
    public var affectedRows: Int? { commandTag.split(separator: " ").last.flatMap { Int($0) } }

    public init(columns: [String], rows: [[String?]], commandTag: String) {
        let index = PGRow.ColumnIndex(columns)
        self.columns = columns
        self.rows = rows.map { PGRow(index: index, values: $0) }
        self.commandTag = commandTag
    }

    /// The only row; a decoding error when there is none or more than one.
    public func singleRow() throws(PGError) -> PGRow {
        guard rows.count == 1 else {
            throw PGError(.decoding, endpoint: "", operation: "read result", message: "expected one row, got \(rows.count)")
        }
        return rows[0]
    }
}

/// One result row; values are looked up by column name and decoded to the type asked for.
public struct PGRow: Sendable {
    final class ColumnIndex: Sendable {
        let names: [String]
        let positions: [String: Int]
        init(_ names: [String]) {
            self.names = names
            var positions: [String: Int] = [:]
            for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
            self.positions = positions
        }
    }

    let index: ColumnIndex
    public let values: [String?]

    /// The raw text of a column, nil for SQL NULL. A decoding error if there is no such column.
    public func text(_ column: String) throws(PGError) -> String? {
        guard let i = index.positions[column] else {
            throw PGError(.decoding, endpoint: "", operation: "read result", message: "no column \"\(column)\" (have \(index.names.joined(separator: ", ")))")
        }
        return values[i]
    }

    /// The column decoded as `T`; a decoding error for NULL or text that is not a `T`.
    public func decode<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws(PGError) -> T {
        guard let value = try decodeIfPresent(column, as: type) else {
            throw PGError(.decoding, endpoint: "", operation: "read result", message: "column \"\(column)\" is NULL, expected \(T.self)")
        }
        return value
    }

    /// The column decoded as `T`, nil for SQL NULL; a decoding error for text that is not a `T`.
    public func decodeIfPresent<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws(PGError) -> T? {
        guard let raw = try text(column) else { return nil }
        guard let value = T(pgText: raw) else {
            throw PGError(.decoding, endpoint: "", operation: "read result", message: "column \"\(column)\": \"\(raw)\" is not a \(T.self)")
        }
        return value
    }
}

/// A Swift type that can be read from PostgreSQL's text output format.
public protocol PGDecodable {
    init?(pgText: String)
}

extension String: PGDecodable {
    public init?(pgText: String) { self = pgText }
}

extension Int: PGDecodable {
    public init?(pgText: String) { self.init(pgText) }
}

extension Int64: PGDecodable {
    public init?(pgText: String) { self.init(pgText) }
}

extension UInt64: PGDecodable {
    public init?(pgText: String) { self.init(pgText) }
}

extension Double: PGDecodable {
    /// Finite values only: PostgreSQL prints `Infinity`, `-Infinity` and `NaN` for float8, and
    /// Swift parses them (and `1e400` as infinity), but no caller can do anything sensible with
    /// them, and converting one to an integer traps.
    public init?(pgText: String) {
        guard let value = Double(pgText), value.isFinite else { return nil }
        self = value
    }
}

extension Bool: PGDecodable {
    public init?(pgText: String) {
        switch pgText {
        case "t", "true", "on": self = true
        case "f", "false", "off": self = false
        default: return nil
        }
    }
}

extension LSN: PGDecodable {
    public init?(pgText: String) { self.init(pgText) }
}

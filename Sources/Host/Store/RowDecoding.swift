import Foundation
internal import GRDB
import Logging

/// Why a row was skipped, when no GRDB decoding error says it.
struct RowSkipped: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Backend {

    /// Decodes `rows` one by one, skipping with a warning each row that does not decode (a
    /// NULL, an unparseable date, a hand-edited value). Use this, with `row.decode(forColumn:)`,
    /// instead of GRDB's `row["column"]` subscripts: those are `try!` and would let one
    /// corrupt row crash every analysis pass that reads the table.
    func decodeEach<T>(_ rows: [Row], of table: String, _ decode: (Row) throws -> T) -> [T] {
        rows.compactMap { row in
            do {
                return try decode(row)
            } catch {
                Self.logger.warning("skipping an unreadable row", metadata: [
                    "database": "\(path)", "table": "\(table)", "row": "\(row.description.prefix(500))", "error": "\(error)",
                ])
                return nil
            }
        }
    }
}

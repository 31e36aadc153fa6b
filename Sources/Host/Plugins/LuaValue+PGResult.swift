public import PGClient

extension LuaValue {
    /// A statement's result as `orc.sql` and the SQL functions of compiled-in plugins return it:
    /// `{rows = {{column = value, ...}, ...}, columns = {...}, command = "UPDATE 1", affected = n}`;
    /// values are text (as the server sent them) or nil for SQL NULL.
    public init(_ result: PGResult) {
        let rows = result.rows.map { row -> LuaValue in
            var fields: [String: LuaValue] = [:]
            for (column, value) in zip(result.columns, row.values) where fields[column] == nil {
                fields[column] = value.map { .string($0) } ?? .nil
            }
            return .table(LuaTable(fields: fields))
        }
        self = [
            "rows": .table(LuaTable(array: rows)),
            "columns": .table(LuaTable(array: result.columns.map { .string($0) })),
            "command": .string(result.commandTag),
            "affected": result.affectedRows.map { .integer(Int64($0)) } ?? .nil,
        ]
    }
}

/// A failure of the backend database, with the file and what the operator can do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "SQLite3DataFile \(path): \(message)" }
}

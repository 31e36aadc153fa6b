/// A failure of the backend database, with the file and what the operator can do about it.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "SQLite3DataFile \(path): \(message)" }
}

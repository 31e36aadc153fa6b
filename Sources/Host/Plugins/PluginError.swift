/// A plugin failure the host reports: a bad answer, a failing executable, a bad argument to
/// an `orc.*` function. The message says what went wrong and what to change.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

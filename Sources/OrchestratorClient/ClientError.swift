/// Why a client command did not run; the message goes to stderr as is.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

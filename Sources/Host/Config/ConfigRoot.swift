/// A type a key table can fill: the configuration itself, or one entry of a block's list (say,
/// an endpoint a compiled-in plugin talks to).
public protocol ConfigRoot: Sendable {
    /// The value before any key is applied: every key's default.
    init()
    /// How a Swift key path of this type is shown in the reference, e.g. `config.http`.
    static var swiftPathPrefix: String { get }
}

extension Configuration: ConfigRoot {
    public static var swiftPathPrefix: String { "config" }
}

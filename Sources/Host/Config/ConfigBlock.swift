/// A top-level part of the configuration that a compiled-in plugin owns: its keys (with their
/// decoding, checks and rendering, as rows of the key table), its section of the reference, and
/// the passwords it holds. The executable passes the blocks of its plugins to
/// `Configuration.load` and `ConfigReference.markdown`, so Host names none of them; a block's
/// value lives in `Configuration.blocks` and its rows read and write it there.
public protocol ConfigBlock: Sendable, Equatable {
    /// The value when the file does not set the block.
    init()
    /// The heading its keys are listed under in the reference, after Host's own.
    static var section: ConfigSection { get }
    /// Its top-level keys, applied after Host's own rows and rendered after them.
    static var keys: [ConfigKeyDescriptor<Configuration>] { get }
    /// Markdown printed after the section's table: the fields of an entry, an example.
    static var reference: [String] { get }
    /// The passwords in the block, which the environment of hooks and plugins must not carry.
    var secrets: [String] { get }
}

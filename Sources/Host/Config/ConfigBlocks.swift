/// The values of the blocks a configuration was loaded with (`ConfigBlock`), one per type, in
/// the order the executable listed them. A block the configuration does not hold reads as its
/// default, and counts as that for equality, so `Configuration()` equals a configuration loaded
/// from `{}` with blocks.
public struct ConfigBlocks: Sendable, Equatable {
    private var entries: [any ConfigBlock] = []

    public init() {}

    /// Every block of `types` at its default, so that each is rendered even when the file
    /// does not set it.
    init(_ types: [any ConfigBlock.Type]) {
        entries = types.map { $0.init() }
    }

    public subscript<Block: ConfigBlock>(_ type: Block.Type) -> Block {
        get { entries.lazy.compactMap { $0 as? Block }.first ?? Block() }
        set {
            if let index = entries.firstIndex(where: { $0 is Block }) {
                entries[index] = newValue
            } else {
                entries.append(newValue)
            }
        }
    }

    /// The block types held, in order: a re-read of the file loads with the same ones.
    public var types: [any ConfigBlock.Type] { entries.map { type(of: $0) } }

    /// The rows of every block held, in order.
    var keys: [ConfigKeyDescriptor<Configuration>] { entries.flatMap { type(of: $0).keys } }

    /// The passwords of every block held.
    var secrets: [String] { entries.flatMap(\.secrets) }

    public static func == (lhs: ConfigBlocks, rhs: ConfigBlocks) -> Bool {
        lhs.entries.allSatisfy { $0.isSame(in: rhs) } && rhs.entries.allSatisfy { $0.isSame(in: lhs) }
    }
}

extension ConfigBlock {
    /// Whether `blocks` holds this value for this type (or this is the default and it holds none).
    fileprivate func isSame(in blocks: ConfigBlocks) -> Bool {
        blocks[Self.self] == self
    }
}

public import Foundation

/// What `/api/plugins` shows: the loaded plugins in dispatch order, each with its last result,
/// and what the last (re)load skipped.
public struct PluginStatus: Sendable, Encodable {
    public struct Plugin: Sendable, Encodable {
        public var name: String
        /// `builtin`, `lua` or `executable`.
        public var kind: String
        public var source: String?
        /// snake_case point names.
        public var points: [String]
        /// Pre points where a failure of this plugin aborts the recovery (at `demote` every
        /// failure does).
        public var criticalPoints: [String]
        public var lastResult: LastResult?

        enum CodingKeys: String, CodingKey {
            case name = "Name", kind = "Kind", source = "Source", points = "Points", criticalPoints = "CriticalPoints"
            case lastResult = "LastResult"
        }
    }

    public struct LastResult: Sendable, Encodable {
        public var point: String
        public var at: Date
        public var milliseconds: Int
        /// The answer (`continue`, `veto: ...`), or nil when it failed.
        public var answer: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case point = "Point", at = "At", milliseconds = "Milliseconds", answer = "Answer", error = "Error"
        }
    }

    /// A plugin file that is not run: refused by the ownership and mode checks, or written
    /// off (a script whose load or a call ran past its deadline and did not stop).
    public struct Disabled: Sendable, Encodable, Equatable {
        public var source: String
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case source = "Source", reason = "Reason"
        }
    }

    public var generation: Int
    public var loadedAt: Date?
    public var timeoutSeconds: Int
    public var plugins: [Plugin]
    public var disabled: [Disabled]
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case generation = "Generation", loadedAt = "LoadedAt", timeoutSeconds = "TimeoutSeconds", plugins = "Plugins"
        case disabled = "Disabled", warnings = "Warnings"
    }
}

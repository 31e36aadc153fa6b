package import Foundation

/// What `/api/plugins` shows: the loaded plugins in dispatch order, each with its last result,
/// and what the last (re)load skipped.
package struct PluginStatus: Sendable, Encodable {
    package struct Plugin: Sendable, Encodable {
        package var name: String
        /// `builtin`, `lua` or `executable`.
        package var kind: String
        package var source: String?
        /// snake_case point names.
        package var points: [String]
        /// Pre points where a failure of this plugin aborts the recovery (at `demote` every
        /// failure does).
        package var criticalPoints: [String]
        package var lastResult: LastResult?

        enum CodingKeys: String, CodingKey {
            case name = "Name", kind = "Kind", source = "Source", points = "Points", criticalPoints = "CriticalPoints"
            case lastResult = "LastResult"
        }
    }

    package struct LastResult: Sendable, Encodable {
        package var point: String
        package var at: Date
        package var milliseconds: Int
        /// The answer (`continue`, `veto: ...`), or nil when it failed.
        package var answer: String?
        package var error: String?

        enum CodingKeys: String, CodingKey {
            case point = "Point", at = "At", milliseconds = "Milliseconds", answer = "Answer", error = "Error"
        }
    }

    /// A plugin file that is not run: refused by the ownership and mode checks, or written
    /// off (a script whose load or a call ran past its deadline and did not stop).
    package struct Disabled: Sendable, Encodable, Equatable {
        package var source: String
        package var reason: String

        enum CodingKeys: String, CodingKey {
            case source = "Source", reason = "Reason"
        }
    }

    package var generation: Int
    package var loadedAt: Date?
    package var timeoutSeconds: Int
    package var plugins: [Plugin]
    package var disabled: [Disabled]
    package var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case generation = "Generation", loadedAt = "LoadedAt", timeoutSeconds = "TimeoutSeconds", plugins = "Plugins"
        case disabled = "Disabled", warnings = "Warnings"
    }
}

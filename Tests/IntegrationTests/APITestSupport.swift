import Foundation
import Testing

/// A JSON object answer (an empty one when the body is something else).
func object(_ data: Data) throws -> [String: Any] {
    (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
}

/// Any JSON answer, strings and numbers at the top level included.
func json(_ data: Data) throws -> Any {
    try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
}

/// Polls `condition` until it holds; records an issue after `timeout`.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

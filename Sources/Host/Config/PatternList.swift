import Foundation

/// A list of regular expressions from a `*Filters` key. Matching follows Orchestrator's
/// `regexp.MatchString`: a value matches when any pattern is found anywhere in it (use `^...$`
/// to anchor). Patterns are compiled with `NSRegularExpression` (ICU syntax, a superset of the
/// RE2 syntax Orchestrator configs are written in for everything but RE2-only constructs).
/// Every pattern was compiled once at load time, so a stored list never holds an invalid one.
public struct PatternList: Sendable, Equatable, ExpressibleByArrayLiteral, CustomStringConvertible {
    package var patterns: [String]

    public init(_ patterns: [String] = []) {
        self.patterns = patterns
    }

    public init(arrayLiteral elements: String...) {
        self.patterns = elements
    }

    package var isEmpty: Bool { patterns.isEmpty }

    public var description: String { patterns.description }

    /// Whether any pattern is found in `text`.
    package func matches(_ text: String) -> Bool {
        firstMatchingPattern(in: text) != nil
    }

    /// The first pattern (in config order) found in `text`.
    package func firstMatchingPattern(in text: String) -> String? {
        patterns.first { Self.pattern($0, isFoundIn: text) }
    }

    static func pattern(_ pattern: String, isFoundIn text: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }

    /// Whether `pattern` compiles with `NSRegularExpression`.
    static func compiles(_ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern)) != nil
    }
}

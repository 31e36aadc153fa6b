/// "Did you mean X?" for unknown keys: the known key with the smallest edit distance,
/// compared case-insensitively, if it is close enough to be a plausible typo.
enum ConfigKeySuggestion {
    static func closest(to unknown: String, among candidates: [String]) -> String? {
        let target = Array(unknown.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        // One edit per four characters, at least one and at most four.
        let limit = min(4, max(1, unknown.count / 4))
        return best.distance <= limit ? best.name : nil
    }

    /// Levenshtein distance (insert, delete, substitute), plus adjacent transposition as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            previousPrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}

public import ConfigJSON

/// Applies the members of one JSON object to a root value through a key table: matches each
/// member to a key by exact name, alias, or (as Go's encoding/json does) case-insensitively;
/// warns about unknown members with a suggestion; refuses two spellings of one setting with
/// different values; checks required keys. Used for the top level and for the entries of a
/// block's list (`ConfigBlock`).
public enum ConfigObjectDecoder {
    public static func decode<Root: ConfigRoot>(_ members: [ConfigJSONMember], keys: [ConfigKeyDescriptor<Root>], into root: inout Root,
                                         pathPrefix: String, context: inout ConfigDecodeContext) throws(ConfigError) {
        var exact: [String: Int] = [:]
        var folded: [String: (index: Int, name: String)] = [:]
        for (index, key) in keys.enumerated() {
            for name in key.allNames {
                exact[name] = index
                folded[name.lowercased()] = (index, name)
            }
        }

        // Group the members by the key they set.
        var occurrences: [Int: [(member: ConfigJSONMember, spelling: String)]] = [:]
        var order: [Int] = []
        for member in members {
            let index: Int
            let spelling: String
            if let match = exact[member.key] {
                index = match
                spelling = member.key
            } else if let match = folded[member.key.lowercased()] {
                index = match.index
                spelling = match.name
                context.warn("key \"\(pathPrefix + member.key)\" matched \"\(match.name)\" ignoring case "
                    + "(Orchestrator matches keys that way too); write it \"\(match.name)\"")
            } else {
                let suggestion = ConfigKeySuggestion.closest(to: member.key, among: keys.flatMap(\.allNames))
                context.warn("unknown key \"\(pathPrefix + member.key)\" ignored"
                    + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""))
                continue
            }
            // JSON null means "not set" (as for Go's decoder): the default stays.
            if case .null = member.value { continue }
            if occurrences[index] == nil { order.append(index) }
            occurrences[index, default: []].append((member, spelling))
        }

        let savedPresent = context.presentKeys
        context.presentKeys = Set(order.map { keys[$0].name })
        defer { context.presentKeys = savedPresent }

        // Applied in table order, so a row may rely on the rows above it (the deprecated
        // RecoveryPeriodBlockMinutes looks at RecoveryPeriodBlockSeconds).
        for index in order.sorted() {
            let key = keys[index]
            let found = occurrences[index] ?? []
            try applyOccurrences(found, of: key, into: &root, pathPrefix: pathPrefix, context: &context)
            if let warning = key.warningWhenSet, let value = found.first?.member.value, value != key.defaultValue {
                context.warn("\(pathPrefix + found[0].spelling): \(warning)")
            }
        }

        for (index, key) in keys.enumerated() where key.isRequired && occurrences[index] == nil {
            throw ConfigError(kind: .missingValue, file: context.file, key: pathPrefix + key.name,
                              expected: "\(article(key.typeName)) \(key.typeName) value; \(key.name) is required")
        }
    }

    private static func article(_ noun: String) -> String {
        guard let first = noun.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    /// One spelling: apply it. Several (aliases, or a key repeated): apply each to a copy and
    /// compare the effective values; equal is fine, different is refused naming both spellings.
    private static func applyOccurrences<Root: ConfigRoot>(_ found: [(member: ConfigJSONMember, spelling: String)],
                                                         of key: ConfigKeyDescriptor<Root>, into root: inout Root,
                                                         pathPrefix: String, context: inout ConfigDecodeContext) throws(ConfigError) {
        guard let first = found.first else { return }
        let firstOccurrence = ConfigKeyDescriptor<Root>.Occurrence(spelling: first.spelling, path: pathPrefix + first.member.key)
        if found.count == 1 {
            try key.apply(&root, first.member.value, firstOccurrence, &context)
            return
        }
        var reference = root
        try key.apply(&reference, first.member.value, firstOccurrence, &context)
        for other in found.dropFirst() {
            var candidate = root
            let occurrence = ConfigKeyDescriptor<Root>.Occurrence(spelling: other.spelling, path: pathPrefix + other.member.key)
            try key.apply(&candidate, other.member.value, occurrence, &context)
            let same = key.isIgnored
                ? other.member.value == first.member.value
                : key.render(candidate, false) == key.render(reference, false)
            guard same else {
                let firstShown = context.display(first.member.value, secret: key.secret)
                let otherShown = context.display(other.member.value, secret: key.secret)
                let bothSpellings = first.member.key != other.member.key
                let value = bothSpellings
                    ? "\(firstShown) as \(first.member.key) (line \(first.member.line)) and \(otherShown) as \(other.member.key) (line \(other.member.line))"
                    : "\(firstShown) at line \(first.member.line) and \(otherShown) at line \(other.member.line)"
                let expected = bothSpellings
                    ? "one spelling only, or the same value under both (\(first.member.key) and \(other.member.key) are the same setting)"
                    : "the key once, or the same value each time"
                throw ConfigError(kind: .conflictingKeys, file: context.file, key: pathPrefix + key.name,
                                  value: value, expected: expected)
            }
        }
        root = reference
    }
}

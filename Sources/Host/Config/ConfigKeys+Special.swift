import ConfigJSON

/// Rows of the key table that need more than a one-line builder: unit-converting aliases, the
/// deprecated minutes key and the alias map; plus the small checks the one-line rows share.
extension ConfigKeys {
    // MARK: shared checks

    static func nonEmpty(_ what: String) -> Key.Check {
        { value in value.isEmpty ? what : nil }
    }

    static let regex: Key.Check = { value in
        value.isEmpty || PatternList.compiles(value) ? nil : "a valid regular expression"
    }

    /// Orchestrator's rule: "" stays "", anything else becomes "/" + trimmed of slashes.
    @Sendable static func normalizeURLPrefix(_ value: String) -> String {
        let trimmed = value.trimming("/")
        return trimmed.isEmpty ? "" : "/" + trimmed
    }

    /// A prefix the router keeps as written: plain segments only. An empty segment (`/a//b`),
    /// `.`/`..`, or one the router reads as a capture or wildcard (`:x`, `{x}`, `*`) would make
    /// the served paths differ from the configured ones.
    static let checkURLPrefix: Key.Check = { value in
        let trimmed = value.trimming("/")
        guard !trimmed.isEmpty else { return nil }
        let plain = trimmed.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".."
                && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) }
        }
        return plain ? nil : "a path like \"/orchestrator\" or \"/ops/orc\": segments of letters, digits and .-_~, "
            + "none empty, \".\" or \"..\""
    }

    static func hookList(_ name: String, _ keyPath: Key.Path<[String]>, _ doc: String) -> Key {
        .list(name, keyPath, .hooks, expand: false, typeName: "list of shell commands", doc: doc)
    }

    // MARK: FailureDetectionPeriodBlockMinutes / ...Seconds

    static let failureDetectionPeriodBlock = Key(
        name: "FailureDetectionPeriodBlockMinutes",
        aliases: [.init(name: "FailureDetectionPeriodBlockSeconds", note: "the same setting in seconds")],
        section: .recovery, typeName: ConfigValueUnit.minutes.typeName,
        defaultValue: .integer(Configuration().recovery.failureDetectionPeriodBlockSeconds / 60),
        doc: "Anti-spam for detection: `OnFailureDetectionProcesses` runs at most once per instance per block. "
            + "Detection itself runs continuously. Stored in seconds.",
        status: .honoured(swiftPath: Key.swiftPath(\Configuration.recovery.failureDetectionPeriodBlockSeconds)),
        apply: { root, value, key, context throws(ConfigError) in
            if key.spelling == "FailureDetectionPeriodBlockSeconds" {
                root.recovery.failureDetectionPeriodBlockSeconds = try context.integer(
                    value, key: key.path, range: 0...Int.max, expected: "\(ConfigValueUnit.seconds.phrase) >= 0")
            } else {
                let minutes = try context.integer(value, key: key.path, range: 0...(Int.max / 60),
                                                  expected: "\(ConfigValueUnit.minutes.phrase) >= 0")
                root.recovery.failureDetectionPeriodBlockSeconds = minutes * 60
            }
        },
        render: { root, _ in
            [ConfigJSONMember(key: "FailureDetectionPeriodBlockSeconds", value: .integer(root.recovery.failureDetectionPeriodBlockSeconds))]
        })

    // MARK: RecoveryPeriodBlockMinutes (deprecated)

    /// Applied after `RecoveryPeriodBlockSeconds` (table order). Upstream only looks at the minutes
    /// when the seconds are 0; we also honour it when the seconds key is absent, which is what an
    /// operator who wrote only the minutes meant.
    static let recoveryPeriodBlockMinutes = Key(
        name: "RecoveryPeriodBlockMinutes",
        section: .recovery, typeName: ConfigValueUnit.minutes.typeName, defaultValue: .null,
        doc: "Old spelling of `RecoveryPeriodBlockSeconds` in minutes. Used when `RecoveryPeriodBlockSeconds` is absent "
            + "(or, as upstream, set to 0); when both are set the seconds win. Stored in seconds (×60). Logs a "
            + "deprecation warning.",
        status: .honoured(swiftPath: Key.swiftPath(\Configuration.recovery.periodBlockSeconds)),
        deprecation: "use `RecoveryPeriodBlockSeconds`",
        apply: { root, value, key, context throws(ConfigError) in
            let minutes = try context.integer(value, key: key.path, range: 0...(Int.max / 60),
                                              expected: "\(ConfigValueUnit.minutes.phrase) >= 0")
            if !context.isPresent("RecoveryPeriodBlockSeconds") {
                root.recovery.periodBlockSeconds = minutes * 60
                context.warn("\(key.path) is deprecated; write \"RecoveryPeriodBlockSeconds\": \(minutes * 60)")
            } else if root.recovery.periodBlockSeconds == 0, minutes > 0 {
                root.recovery.periodBlockSeconds = minutes * 60
                context.warn("\(key.path) is deprecated; it applies because RecoveryPeriodBlockSeconds is 0 (as upstream)")
            } else {
                context.warn("\(key.path) is deprecated and ignored: RecoveryPeriodBlockSeconds is set and wins")
            }
        },
        render: { root, _ in
            [ConfigJSONMember(key: "RecoveryPeriodBlockSeconds", value: .integer(root.recovery.periodBlockSeconds))]
        })

    // MARK: ClusterNameToAlias

    static let clusterNameToAlias = Key(
        name: "ClusterNameToAlias",
        section: .clusters, typeName: "object, regex → alias", defaultValue: .object([]),
        doc: "Static cluster aliases: each key is a regex matched against the cluster name (the primary's `host:port`), "
            + "each value the alias. Rules are tried in file order; the first match wins.",
        status: .honoured(swiftPath: Key.swiftPath(\Configuration.clusters.nameToAlias)),
        apply: { root, value, key, context throws(ConfigError) in
            guard case .object(let members) = value else {
                throw context.invalid(key.path, value, secret: false,
                                      expected: "an object mapping cluster-name regexes to aliases, like {\"^pg-main\": \"main\"}")
            }
            var rules: [Configuration.ClusterAliasRule] = []
            for member in members {
                let entryKey = "\(key.path)[\(ConfigJSONWriter.quoted(member.key))]"
                guard PatternList.compiles(member.key) else {
                    throw context.invalid(entryKey, shown: ConfigJSONWriter.quoted(member.key),
                                          expected: "a valid regular expression as the key")
                }
                let alias = try context.string(member.value, key: entryKey, secret: false, expand: true,
                                               expected: "a string (the alias)")
                rules.append(.init(pattern: member.key, alias: alias.value))
            }
            root.clusters.nameToAlias = rules
        },
        render: { root, _ in
            [ConfigJSONMember(key: "ClusterNameToAlias",
                        value: .object(root.clusters.nameToAlias.map { ConfigJSONMember(key: $0.pattern, value: .string($0.alias)) }))]
        })
}

extension ConfigKeyDescriptor {
    func with(aliases: [Alias]) -> Self {
        var copy = self
        copy.aliases = aliases
        return copy
    }

    /// The row made required (for the entries of a block's list).
    package func required() -> Self {
        var copy = self
        copy.isRequired = true
        return copy
    }
}

extension String {
    /// Trims the given characters from both ends (Foundation-free).
    fileprivate func trimming(_ character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}

import HookAPI

/// Turns what a Lua handler returned, or what an executable printed as JSON, into a
/// `PluginAnswer`. Strict on purpose: an unknown key or a misplaced answer is a plugin
/// failure with a message, never a silent "continue" (a typo in `veto` must show).
///
/// | Returned | Answer |
/// |---|---|
/// | nothing, `nil`, `true`, `{}` | continue |
/// | `false` | veto ("returned false") |
/// | `{veto = "reason"}` | veto |
/// | `{alias = "x", promotion_rule = "prefer", tags = {k = "v"}}` | annotate (`discovery`) |
/// | `{alias = "x"}` | alias (`clusterName`) |
/// | `{ignore = "reason"}` or `{ignore = true}` | ignore (`discovery`) |
/// | `{suppress = "reason"}` or `{suppress = true}` | suppress (`analysis`) |
/// | `{raise = "Code", reason = "why"}` | raise (`analysis`) |
enum PluginAnswerDecoder {
    static let keys: Set<String> = ["veto", "alias", "promotion_rule", "promotionRule", "tags", "ignore", "suppress", "raise", "reason"]

    static func decode(_ value: LuaValue, at point: HookPoint) throws(PluginError) -> PluginAnswer {
        let answer = try interpret(value, at: point)
        guard point.accepts(answer) else {
            throw PluginError("answer '\(answer.summary)' is not valid at \(point.snakeCaseName); see docs/plugins.md for the answers each point takes")
        }
        return answer
    }

    private static func interpret(_ value: LuaValue, at point: HookPoint) throws(PluginError) -> PluginAnswer {
        switch value {
        case .nil, .bool(true): return .proceed
        case .bool(false): return .veto(reason: "returned false")
        case .table(let table): return try interpret(table, at: point)
        default:
            throw PluginError("unexpected answer \(describe(value)); return nil to continue or a table such as {veto = \"reason\"}")
        }
    }

    private static func interpret(_ table: LuaTable, at point: HookPoint) throws(PluginError) -> PluginAnswer {
        guard table.array.isEmpty, table.sparse.isEmpty else {
            throw PluginError("the answer must be a table with named fields such as {veto = \"reason\"}, not a list")
        }
        if let unknown = table.fields.keys.sorted().first(where: { !keys.contains($0) }) {
            throw PluginError("unknown answer field '\(unknown)'; expected one of \(keys.sorted().joined(separator: ", "))")
        }
        let reason = try string(table["reason"], field: "reason")
        let decisions = ["veto", "ignore", "suppress", "raise"].filter { !table[$0].isNil }
        let annotates = ["alias", "promotion_rule", "promotionRule", "tags"].contains { !table[$0].isNil }
        guard decisions.count + (annotates ? 1 : 0) <= 1 else {
            throw PluginError("the answer combines \((decisions + (annotates ? ["alias/tags"] : [])).joined(separator: " and ")); give one decision")
        }
        switch decisions.first {
        case "veto": return .veto(reason: try flag(table["veto"], field: "veto", reason: reason, otherwise: "vetoed"))
        case "ignore": return .ignore(reason: try flag(table["ignore"], field: "ignore", reason: reason, otherwise: "ignored by plugin"))
        case "suppress": return .suppress(reason: try flag(table["suppress"], field: "suppress", reason: reason, otherwise: "suppressed by plugin"))
        case "raise":
            guard let code = try string(table["raise"], field: "raise"), !code.isEmpty else {
                throw PluginError("'raise' must name the new analysis code, e.g. {raise = \"DeadPrimary\"}")
            }
            return .raise(code: code, reason: reason ?? "")
        default: break
        }
        guard annotates else { return .proceed }
        let alias = try string(table["alias"], field: "alias")
        if point == .clusterName {
            guard let alias, table["tags"].isNil, table["promotion_rule"].isNil, table["promotionRule"].isNil else {
                throw PluginError("at cluster_name answer only {alias = \"name\"}")
            }
            return .alias(alias)
        }
        var annotation = InstanceAnnotation(alias: alias)
        let ruleValue = table["promotion_rule"].isNil ? table["promotionRule"] : table["promotion_rule"]
        if let ruleText = try string(ruleValue, field: "promotion_rule") {
            guard let rule = PromotionRule(rawValue: ruleText) else {
                throw PluginError("promotion_rule '\(ruleText)' is not one of \(PromotionRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            annotation.promotionRule = rule
        }
        switch table["tags"] {
        case .nil: break
        case .table(let tags) where tags.array.isEmpty && tags.sparse.isEmpty:
            for (key, value) in tags.fields {
                guard let text = value.scalarText else {
                    throw PluginError("tag '\(key)' must be a string, number or boolean")
                }
                annotation.tags[key] = text
            }
        default:
            throw PluginError("'tags' must be a table of names to values, e.g. {tags = {rack = \"r1\"}}")
        }
        return .annotate(annotation)
    }

    /// `true` or a non-empty reason string.
    private static func flag(_ value: LuaValue, field: String, reason: String?, otherwise: String) throws(PluginError) -> String {
        switch value {
        case .bool(true): return reason ?? otherwise
        case .string(let text) where !text.isEmpty: return text
        default: throw PluginError("'\(field)' must be true or a reason string, got \(describe(value))")
        }
    }

    private static func string(_ value: LuaValue, field: String) throws(PluginError) -> String? {
        switch value {
        case .nil: return nil
        case .string(let text): return text
        default: throw PluginError("'\(field)' must be a string, got \(describe(value))")
        }
    }

    static func describe(_ value: LuaValue) -> String {
        switch value {
        case .nil: "nil"
        case .bool(let flag): String(flag)
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .string(let text): "\"\(text.prefix(80))\""
        case .table: "a table"
        case .opaque(let description): description
        }
    }
}

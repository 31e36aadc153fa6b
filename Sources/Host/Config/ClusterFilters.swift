import Foundation

/// `RecoverMasterClusterFilters` / `RecoverIntermediateMasterClusterFilters`: which clusters
/// get automated recovery. The one matcher for the recovery gate and the API's
/// `HasAutomatedMasterRecovery`, with Orchestrator's rules (`filtersMatchCluster`); a cluster
/// matches when any filter does:
///
/// - `*`: every cluster;
/// - the cluster's name, or its alias, exactly;
/// - `alias=<alias>`: the alias exactly;
/// - `alias~=<regex>`: the regex found in the alias;
/// - anything else: a regex found in the cluster's name (not the alias, which comes from data:
///   a plain `prod` must not opt in a cluster whose alias merely contains `prod`).
///
/// A filter that is none of these (an invalid regex) is refused at load.
package struct ClusterFilters: Sendable, Equatable, ExpressibleByArrayLiteral, CustomStringConvertible {
    package var filters: [String]

    package init(_ filters: [String] = []) {
        self.filters = filters
    }

    package init(arrayLiteral elements: String...) {
        self.filters = elements
    }

    package var isEmpty: Bool { filters.isEmpty }

    package var description: String { filters.description }

    package func matches(name: String, alias: String) -> Bool {
        firstMatch(name: name, alias: alias) != nil
    }

    /// The first filter (in config order) that matches the cluster.
    package func firstMatch(name: String, alias: String) -> String? {
        filters.first { Self.filter($0, matchesName: name, alias: alias) }
    }

    static func filter(_ filter: String, matchesName name: String, alias: String) -> Bool {
        if filter == "*" || filter == name { return true }
        if !alias.isEmpty && filter == alias { return true }
        if filter.hasPrefix(Self.aliasExact) {
            return !alias.isEmpty && filter.dropFirst(Self.aliasExact.count) == alias
        }
        if filter.hasPrefix(Self.aliasRegex) {
            return !alias.isEmpty && PatternList.pattern(String(filter.dropFirst(Self.aliasRegex.count)), isFoundIn: alias)
        }
        return !filter.isEmpty && PatternList.pattern(filter, isFoundIn: name)
    }

    static let aliasExact = "alias="
    static let aliasRegex = "alias~="

    /// What is wrong with `filter`, or nil if it is usable.
    static func problem(_ filter: String) -> String? {
        if filter.isEmpty { return "a non-empty filter" }
        if filter == "*" || filter.hasPrefix(aliasExact) { return nil }
        if filter.hasPrefix(aliasRegex) {
            let regex = String(filter.dropFirst(aliasRegex.count))
            return PatternList.compiles(regex) ? nil : "\"alias~=\" followed by a valid regular expression"
        }
        return PatternList.compiles(filter) ? nil
            : "\"*\", a cluster name or alias, \"alias=<alias>\", \"alias~=<regex>\" or a valid regular expression"
    }
}

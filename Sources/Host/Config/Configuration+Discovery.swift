extension Configuration {
    /// What to discover and how often to probe.
    package struct Discovery: Sendable, Equatable {
        /// `InstancePollSeconds`.
        package var instancePollSeconds = 5
        /// `ReasonableInstanceCheckSeconds`: slack after which a probe counts as late.
        package var reasonableInstanceCheckSeconds = 1
        /// `DiscoverySeeds`, as written (validated). See `Configuration.discoverySeedAddresses`.
        package var seeds: [String] = []
        /// `DiscoveryMaxConcurrency`: probes in flight at once.
        package var maxConcurrency = 300
        /// `DiscoveryIgnoreHostnameFilters`.
        package var ignoreHostnameFilters = PatternList()
        /// `DiscoveryAllowedNetworks`, as written (each a valid network); empty allows all.
        package var allowedNetworks: [String] = []
        /// `DiscoveryIgnoreReplicaHostnameFilters`.
        package var ignoreReplicaHostnameFilters = PatternList()
        /// `DiscoveryIgnoreMasterHostnameFilters`.
        package var ignorePrimaryHostnameFilters = PatternList()
        /// `UnseenInstanceForgetHours`.
        package var unseenInstanceForgetHours = 240
        /// `HostnameResolveMethod`.
        package var hostnameResolveMethod = HostnameResolveMethod.default
        /// `DeadInstancePollSecondsMultiplyFactor`: back-off factor for unreachable instances.
        package var deadInstancePollSecondsMultiplyFactor = 1.0
        /// `DeadInstancePollSecondsMax`: cap of that back-off.
        package var deadInstancePollSecondsMax = 300

        package init() {}
    }

    /// `HostnameResolveMethod` values.
    package enum HostnameResolveMethod: String, Sendable, Equatable, CaseIterable {
        /// Use names as given.
        case none
        /// Resolve to the canonical host name.
        case `default`
        /// Follow CNAME records.
        case cname
        /// Resolve to an IP address.
        case ip
    }
}

extension Configuration {
    /// What to discover and how often to probe.
    public struct Discovery: Sendable, Equatable {
        /// `InstancePollSeconds`.
        public var instancePollSeconds = 5
        /// `ReasonableInstanceCheckSeconds`: slack after which a probe counts as late.
        public var reasonableInstanceCheckSeconds = 1
        /// `DiscoverySeeds`, as written (validated). See `Configuration.discoverySeedAddresses`.
        public var seeds: [String] = []
        /// `DiscoveryMaxConcurrency`: probes in flight at once.
        public var maxConcurrency = 300
        /// `DiscoveryIgnoreHostnameFilters`.
        public var ignoreHostnameFilters = PatternList()
        /// `DiscoveryAllowedNetworks`, as written (each a valid network); empty allows all.
        public var allowedNetworks: [String] = []
        /// `DiscoveryIgnoreReplicaHostnameFilters`.
        public var ignoreReplicaHostnameFilters = PatternList()
        /// `DiscoveryIgnoreMasterHostnameFilters`.
        public var ignorePrimaryHostnameFilters = PatternList()
        /// `UnseenInstanceForgetHours`.
        public var unseenInstanceForgetHours = 240
        /// `HostnameResolveMethod`.
        public var hostnameResolveMethod = HostnameResolveMethod.default
        /// `DeadInstancePollSecondsMultiplyFactor`: back-off factor for unreachable instances.
        public var deadInstancePollSecondsMultiplyFactor = 1.0
        /// `DeadInstancePollSecondsMax`: cap of that back-off.
        public var deadInstancePollSecondsMax = 300

        public init() {}
    }

    /// `HostnameResolveMethod` values.
    public enum HostnameResolveMethod: String, Sendable, Equatable, CaseIterable {
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

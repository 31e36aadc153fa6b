extension Configuration {
    /// Failure detection and recovery gates.
    public struct Recovery: Sendable, Equatable {
        /// `FailureDetectionPeriodBlockMinutes` (×60) or `FailureDetectionPeriodBlockSeconds`.
        public var failureDetectionPeriodBlockSeconds = 3600
        /// `RecoveryPeriodBlockSeconds` (or the deprecated `RecoveryPeriodBlockMinutes` ×60).
        public var periodBlockSeconds = 3600
        /// `RecoverMasterClusterFilters` / `RecoverPrimaryClusterFilters`: clusters with
        /// automated primary recovery. Empty means none (opt-in, as upstream).
        public var recoverPrimaryClusterFilters = ClusterFilters()
        /// `RecoverIntermediateMasterClusterFilters`: clusters with automated
        /// `DeadIntermediatePrimary` recovery.
        public var recoverIntermediatePrimaryClusterFilters = ClusterFilters()
        /// `RecoveryIgnoreHostnameFilters`.
        public var recoveryIgnoreHostnameFilters = PatternList()
        /// `PromotionIgnoreHostnameFilters`.
        public var promotionIgnoreHostnameFilters = PatternList()
        /// `CandidateInstanceExpireMinutes`.
        public var candidateInstanceExpireMinutes = 60
        /// `FailRecoveryOnFailedPostFailoverProcesses`.
        public var failRecoveryOnFailedPostFailoverProcesses = false
        /// `MaxConcurrentReplicaOperations`: standbys re-pointed in parallel.
        public var maxConcurrentReplicaOperations = 5

        public init() {}
    }
}

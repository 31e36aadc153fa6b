extension Configuration {
    /// Failure detection and recovery gates.
    package struct Recovery: Sendable, Equatable {
        /// `FailureDetectionPeriodBlockMinutes` (×60) or `FailureDetectionPeriodBlockSeconds`.
        package var failureDetectionPeriodBlockSeconds = 3600
        /// `RecoveryPeriodBlockSeconds` (or the deprecated `RecoveryPeriodBlockMinutes` ×60).
        package var periodBlockSeconds = 3600
        /// `RecoverMasterClusterFilters` / `RecoverPrimaryClusterFilters`: clusters with
        /// automated primary recovery. Empty means none (opt-in, as upstream).
        package var recoverPrimaryClusterFilters = ClusterFilters()
        /// `RecoverIntermediateMasterClusterFilters`: clusters with automated
        /// `DeadIntermediatePrimary` recovery.
        package var recoverIntermediatePrimaryClusterFilters = ClusterFilters()
        /// `RecoveryIgnoreHostnameFilters`.
        package var recoveryIgnoreHostnameFilters = PatternList()
        /// `PromotionIgnoreHostnameFilters`.
        package var promotionIgnoreHostnameFilters = PatternList()
        /// `CandidateInstanceExpireMinutes`.
        package var candidateInstanceExpireMinutes = 60
        /// `FailRecoveryOnFailedPostFailoverProcesses`.
        package var failRecoveryOnFailedPostFailoverProcesses = false
        /// `MaxConcurrentReplicaOperations`: standbys re-pointed in parallel.
        package var maxConcurrentReplicaOperations = 5

        package init() {}
    }
}

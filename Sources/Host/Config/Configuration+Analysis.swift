extension Configuration {
    /// Thresholds the analyzer and the switchover use.
    public struct Analysis: Sendable, Equatable {
        /// `ReasonableReplicationLagSeconds`: above this a standby is `StandbyLagging`.
        public var reasonableReplicationLagSeconds = 10
        /// `ReasonableMaintenanceReplicationLagSeconds`: switchover lag limit and catch-up timeout.
        public var reasonableMaintenanceReplicationLagSeconds = 20
        /// `ProblemIgnoreHostnameFilters`: hide problems of matching hosts in the UI.
        public var problemIgnoreHostnameFilters = PatternList()

        public init() {}
    }
}

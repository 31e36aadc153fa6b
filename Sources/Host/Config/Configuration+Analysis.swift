extension Configuration {
    /// Thresholds the analyzer and the switchover use.
    package struct Analysis: Sendable, Equatable {
        /// `ReasonableReplicationLagSeconds`: above this a standby is `StandbyLagging`.
        package var reasonableReplicationLagSeconds = 10
        /// `ReasonableMaintenanceReplicationLagSeconds`: switchover lag limit and catch-up timeout.
        package var reasonableMaintenanceReplicationLagSeconds = 20
        /// `ProblemIgnoreHostnameFilters`: hide problems of matching hosts in the UI.
        package var problemIgnoreHostnameFilters = PatternList()

        package init() {}
    }
}

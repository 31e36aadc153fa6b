import Foundation
import HookAPI
import Logging

/// What the coordinator works with: configuration, the repository, the topology, the servers
/// (through `instances`), the dispatcher of hooks and plugins, and the clock. A recovery flow
/// gets the parts it needs through a `RecoveryDriver`.
struct RecoveryEnvironment: Sendable {
    let configuration: Configuration
    let repository: any RecoveryRepository
    let topology: TopologyService
    let operations: InstanceOperations
    let survey: CandidateSurvey
    let dispatcher: any RecoveryDispatching
    /// The analysis review (`analysis` point) and the plugins behind `dispatcher`.
    let plugins: any RecoveryPluginDispatch
    let logger: Logger
    let hostname: String
    /// Ends of recoveries not stored yet (backend write failures), retried.
    let finishes: RecoveryFinishes
    let clock: RecoveryClock
    let leadership: any RecoveryLeadership

    init(configuration: Configuration, repository: any RecoveryRepository, topology: TopologyService,
         plugins: any RecoveryPluginDispatch, logger: Logger, hostname: String, clock: RecoveryClock = .system,
         leadership: any RecoveryLeadership = SoleLeader()) {
        let operations = InstanceOperations(connector: Connector(configuration))
        self.configuration = configuration
        self.repository = repository
        self.topology = topology
        self.operations = operations
        self.survey = CandidateSurvey(operations: operations, repository: repository, logger: logger,
                                      candidateExpiry: .seconds(configuration.recovery.candidateInstanceExpireMinutes * 60), clock: clock)
        self.dispatcher = RecoveryDispatcher(runner: HookRunner(configuration.hooks, secrets: PluginEnvironment.secrets(of: configuration)),
                                             lists: configuration.hooks, plugins: plugins)
        self.plugins = plugins
        self.logger = logger
        self.hostname = hostname
        self.finishes = RecoveryFinishes(repository: repository, logger: logger)
        self.clock = clock
        self.leadership = leadership
    }

    /// Runs a machine with its steps in `journal`.
    func driver(_ journal: any RecoveryJournaling, isAutomated: Bool) -> RecoveryDriver {
        RecoveryDriver(instances: LiveInstances(operations: operations, survey: survey), topology: topology, dispatcher: dispatcher,
                       repository: repository, journal: journal, clock: clock, leadership: leadership,
                       concurrency: configuration.recovery.maxConcurrentReplicaOperations, isAutomated: isAutomated, hostname: hostname)
    }

    func journal(_ record: RecoveryRecord) -> RecoveryJournal {
        RecoveryJournal(record, repository: repository, logger: logger, finishes: finishes, clock: clock)
    }
}

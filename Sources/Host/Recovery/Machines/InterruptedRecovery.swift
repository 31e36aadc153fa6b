/// A recovery still marked running when the daemon starts was cut short by a stop: it is
/// concluded as interrupted, neither resumed nor repeated (its steps show how far it got; the
/// block period holds until someone acknowledges it).
struct InterruptedRecovery: RecoveryMachine {
    mutating func start() -> RecoveryTransition {
        RecoveryTransition([.error("the daemon stopped during this recovery; it was not resumed. Check the topology, then acknowledge it"),
                            .finish(.interrupted)], .end)
    }

    mutating func received(_ result: RecoveryResult) -> RecoveryTransition {
        .unexpected(result, in: "concluded")
    }
}

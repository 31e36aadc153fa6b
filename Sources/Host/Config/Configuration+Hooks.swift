extension Configuration {
    /// Shell hooks. Each list runs in order through `shellCommand -c "<command>"`.
    /// Hook commands are not `${VAR}`-expanded at load time: the shell expands them when they
    /// run, with the `ORC_*` variables set.
    public struct Hooks: Sendable, Equatable {
        /// `ProcessesShellCommand`.
        package var shellCommand = "bash"
        /// `HookTimeoutSeconds`: each hook's process group is killed after this.
        package var timeoutSeconds = 30
        /// `OnFailureDetectionProcesses`.
        package var onFailureDetection: [String] = []
        /// `PreGracefulTakeoverProcesses`.
        package var preGracefulTakeover: [String] = []
        /// `PreFailoverProcesses`.
        package var preFailover: [String] = []
        /// `PostMasterFailoverProcesses` / `PostPrimaryFailoverProcesses`.
        package var postPrimaryFailover: [String] = []
        /// `PostIntermediateMasterFailoverProcesses`.
        package var postIntermediatePrimaryFailover: [String] = []
        /// `PostFailoverProcesses`.
        package var postFailover: [String] = []
        /// `PostUnsuccessfulFailoverProcesses`.
        package var postUnsuccessfulFailover: [String] = []
        /// `PostGracefulTakeoverProcesses`.
        package var postGracefulTakeover: [String] = []
        /// `DemoteProcesses`: turn the old primary of a switchover into a standby of the new
        /// one (host access: stop, pg_rewind, standby.signal, start). Exit 0 = demoted.
        package var demote: [String] = []

        package init() {}
    }
}

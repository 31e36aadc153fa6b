extension Configuration {
    /// Shell hooks. Each list runs in order through `shellCommand -c "<command>"`.
    /// Hook commands are not `${VAR}`-expanded at load time: the shell expands them when they
    /// run, with the `ORC_*` variables set.
    public struct Hooks: Sendable, Equatable {
        /// `ProcessesShellCommand`.
        public var shellCommand = "bash"
        /// `HookTimeoutSeconds`: each hook's process group is killed after this.
        public var timeoutSeconds = 30
        /// `OnFailureDetectionProcesses`.
        public var onFailureDetection: [String] = []
        /// `PreGracefulTakeoverProcesses`.
        public var preGracefulTakeover: [String] = []
        /// `PreFailoverProcesses`.
        public var preFailover: [String] = []
        /// `PostMasterFailoverProcesses` / `PostPrimaryFailoverProcesses`.
        public var postPrimaryFailover: [String] = []
        /// `PostIntermediateMasterFailoverProcesses`.
        public var postIntermediatePrimaryFailover: [String] = []
        /// `PostFailoverProcesses`.
        public var postFailover: [String] = []
        /// `PostUnsuccessfulFailoverProcesses`.
        public var postUnsuccessfulFailover: [String] = []
        /// `PostGracefulTakeoverProcesses`.
        public var postGracefulTakeover: [String] = []
        /// `DemoteProcesses`: turn the old primary of a switchover into a standby of the new
        /// one (host access: stop, pg_rewind, standby.signal, start). Exit 0 = demoted.
        public var demote: [String] = []

        public init() {}
    }
}

import ArgumentParser
import Builtins
import Foundation
import Host
import Logging

/// `orchestrator [--config PATH] http` runs the daemon. The command is a positional word, as
/// in upstream Orchestrator, so existing unit files and scripts keep working.
@main
struct Orchestrator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator",
        abstract: "High-availability topology manager for PostgreSQL streaming replication.",
        discussion: """
            COMMANDS
              http               run the daemon: discovery, probing, analysis, recovery, HTTP API
              config-reference   print the configuration reference (Markdown)
            """,
        version: "orchestrator \(OrchestratorVersion.current)"
    )

    @Option(name: [.customLong("config"), .customLong("config", withSingleDash: true)],
            help: "Config file (default: /etc/orchestrator.conf.json, then ./orchestrator.conf.json).")
    var config: String?

    @Flag(name: [.customLong("debug")], help: "Log at debug level.")
    var debug = false

    @Argument(help: "What to do: http | config-reference.")
    var command: String?

    mutating func run() async throws {
        switch command {
        case "http":
            try await runDaemon()
        case "config-reference":
            print(ConfigReference.markdown(), terminator: "")
        case nil:
            throw ValidationError("no command given; use `orchestrator --config PATH http` to run the daemon")
        case let other?:
            throw ValidationError("unknown command '\(other)'; expected http or config-reference")
        }
    }

    private func runDaemon() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try Configuration.load(explicitPath: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            Self.fail(error.description, status: ConfigError.exitCode)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug || loaded.configuration.debug ? .debug : .info
            return handler
        }
        let logger = Logger(label: "orchestrator")
        logger.notice("orchestrator \(OrchestratorVersion.current) starting", metadata: ["config": "\(loaded.source ?? "(built-in defaults)")"])
        for warning in loaded.warnings { logger.warning("\(warning)") }
        do {
            try await Daemon(configuration: loaded.configuration, logger: logger, metrics: DaemonMetrics.bootstrap(),
                             builtins: BuiltinPlugins.all(loaded.configuration), configurationPath: loaded.source).run()
        } catch let error as StoreError {
            Self.fail(error.description, status: ConfigError.exitCode)
        } catch {
            Self.fail("\(error)", status: 1)
        }
    }

    /// One line on stderr and a status, never a stack trace.
    private static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("orchestrator: \(message)\n".utf8))
        Foundation.exit(status)
    }
}

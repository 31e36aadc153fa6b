import ArgumentParser
import Builtins
import Foundation
import Host
import Logging
import OrchestratorClient

/// `orchestrator [--config PATH] http` runs the daemon. The command is a positional word, as
/// in upstream Orchestrator, so existing unit files and scripts keep working.
/// `orchestrator -c COMMAND [-i host:port] ...` is orchestrator-client: it talks to the API
/// named by `ORCHESTRATOR_API` (see `OrchestratorClient`).
@main
struct Orchestrator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator",
        abstract: "High-availability topology manager for PostgreSQL streaming replication.",
        discussion: """
            COMMANDS
              http               run the daemon: discovery, probing, analysis, recovery, HTTP API
              config-reference   print the configuration reference (Markdown)
              openapi            print the API's OpenAPI 3 document (docs/openapi.json)

            CLIENT (orchestrator-client's commands, over ORCHESTRATOR_API)
              orchestrator -c help                 list the client commands
              orchestrator -c clusters
              orchestrator -c topology -i db1:5432
              orchestrator -c api -path clusters-info
            """,
        version: "orchestrator \(OrchestratorVersion.current)"
    )

    @Option(name: [.customLong("config"), .customLong("config", withSingleDash: true)],
            help: "Config file (default: /etc/orchestrator.conf.json, then ./orchestrator.conf.json).")
    var config: String?

    @Flag(name: [.customLong("debug")], help: "Log at debug level.")
    var debug = false

    @Argument(help: "What to do: http | config-reference | openapi.")
    var command: String?

    @Option(name: [.customShort("c"), .customLong("command"), .customLong("command", withSingleDash: true)],
            help: ArgumentHelp("Client command (orchestrator-client's); `-c help` lists them.", valueName: "command"),
            completion: .list(ClientCommand.names))
    var clientCommand: String?

    @Option(name: [.customShort("i"), .customLong("instance")], help: "Instance, host[:port].")
    var instance: String?

    @Option(name: [.customShort("d"), .customLong("destination")], help: "Destination instance, host[:port].")
    var destination: String?

    @Option(name: [.customShort("a"), .customLong("alias"), .customLong("alias", withSingleDash: true)], help: "Cluster alias.")
    var alias: String?

    @Option(name: [.customShort("o"), .customLong("owner"), .customLong("owner", withSingleDash: true)], help: "Downtime owner (default: $USER).")
    var owner: String?

    @Option(name: [.customShort("r"), .customLong("reason"), .customLong("reason", withSingleDash: true)], help: "Reason (downtime, acknowledgements).")
    var reason: String?

    @Option(name: [.customShort("u"), .customLong("duration"), .customLong("duration", withSingleDash: true)], help: "Downtime duration (default 10m).")
    var duration: String?

    @Option(name: [.customShort("R"), .customLong("promotion-rule"), .customLong("promotion-rule", withSingleDash: true)],
            help: "Promotion rule for register-candidate (prefer, neutral, prefer_not, must_not).")
    var promotionRule: String?

    @Option(name: [.customShort("P"), .customLong("path"), .customLong("path", withSingleDash: true)], help: "API path for `-c api`.")
    var path: String?

    @Option(name: [.customShort("U"), .customLong("api"), .customLong("api", withSingleDash: true)], help: "API URL(s), instead of $ORCHESTRATOR_API.")
    var api: String?

    mutating func run() async throws {
        if let clientCommand {
            try await runClient(clientCommand)
            return
        }
        switch command {
        case "http":
            try await runDaemon()
        case "config-reference":
            print(ConfigReference.markdown(blocks: BuiltinPlugins.configBlocks), terminator: "")
        case "openapi":
            print(try OpenAPIReference.json(), terminator: "")
        case nil:
            throw ValidationError("no command given; use `orchestrator --config PATH http` to run the daemon")
        case let other?:
            throw ValidationError("unknown command '\(other)'; expected http, config-reference or openapi")
        }
    }

    private func runClient(_ name: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        var options = ClientOptions(command: name)
        options.instance = instance ?? environment["ORCHESTRATOR_INSTANCE"] ?? ""
        options.destination = destination ?? ""
        options.alias = alias ?? ""
        options.owner = owner ?? environment["USER"] ?? environment["LOGNAME"] ?? ""
        options.reason = reason ?? ""
        options.duration = duration ?? options.duration
        options.promotionRule = promotionRule ?? ""
        options.path = path ?? ""
        let result = await OrchestratorClient(environment: environment, api: api).run(options)
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
        FileHandle.standardError.write(Data(result.stderr.utf8))
        if result.status != 0 { throw ExitCode(result.status) }
    }

    private func runDaemon() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try Configuration.load(explicitPath: config, environment: ProcessInfo.processInfo.environment,
                                            blocks: BuiltinPlugins.configBlocks)
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
                             builtins: BuiltinPlugins.all(loaded.configuration),
                             luaFunctions: BuiltinPlugins.luaFunctions(loaded.configuration), configurationPath: loaded.source).run()
        } catch let error as StoreError {
            Self.fail(error.description, status: ConfigError.exitCode)
        } catch let error as APIServerError {
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

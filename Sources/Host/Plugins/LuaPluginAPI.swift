import ConfigJSON
import Foundation
import HookAPI
import Logging
import PGClient

/// The `orc` table every Lua plugin sees (documented in docs/plugins.md):
/// `orc.on`, `orc.log.info/warn/error`, `orc.topology()`, `orc.instance(host, port)`,
/// `orc.sql(host, port, sql, ...)`, `orc.run(argv, options)`, `orc.config(key)`, and the
/// functions compiled-in plugins add (`PluginServices.functions`). `print` logs at info level.
///
/// Functions that wait (SQL, processes, the topology) block the script, on its own thread,
/// until done or until the call's deadline: `PluginTimeoutSeconds`, and never past the
/// script's own deadline.
struct LuaPluginAPI {
    let services: PluginServices
    let pluginName: String
    let timeout: Duration

    func register(on runtime: LuaRuntime) async throws(LuaError) {
        let logger = services.logger
        let name = pluginName
        for (function, level) in [("info", Logger.Level.info), ("warn", .warning), ("error", .error)] {
            try await runtime.register("orc.log.\(function)") { arguments in
                logger.log(level: level, "\(arguments.map(Self.text).joined(separator: " "))", metadata: ["plugin": "\(name)"])
                return .nil
            }
        }
        try await registerTopology(on: runtime)
        try await registerSQL(on: runtime)
        try await registerAdded(on: runtime)
        try await registerRun(on: runtime)
        let configuration = services.configuration
        try await runtime.register("orc.config") { arguments in
            guard let key = arguments.first?.stringValue else { throw PluginError("orc.config(key): key must be a string such as \"InstancePollSeconds\"") }
            return Self.configValue(key, configuration)
        }
        try await runtime.setGlobal("orc._point_names", .table(LuaTable(fields: Dictionary(
            HookPoint.allCases.flatMap { [($0.snakeCaseName, LuaValue.string($0.snakeCaseName)), ($0.rawValue, .string($0.snakeCaseName))] },
            uniquingKeysWith: { first, _ in first }))))
        try await runtime.execute(LuaPrelude.source, name: "orc")
    }

    private func registerTopology(on runtime: LuaRuntime) async throws(LuaError) {
        let services = self.services
        try await runtime.registerBlocking("orc.topology", timeout: timeout) { _ in
            guard let snapshot = await services.topology() else { return ["clusters": [], "instances": []] }
            return TopologyLuaView.topology(snapshot, configuration: services.configuration)
        }
        try await runtime.registerBlocking("orc.instance", timeout: timeout) { arguments in
            let key = try Self.instanceKey(arguments, function: "orc.instance")
            guard let snapshot = await services.topology() else { return .nil }
            return TopologyLuaView.instance(key, snapshot) ?? .nil
        }
    }

    private func registerSQL(on runtime: LuaRuntime) async throws(LuaError) {
        let services = self.services
        let timeout = self.timeout
        try await runtime.registerBlocking("orc.sql", timeout: timeout) { arguments in
            let key = try Self.instanceKey(arguments, function: "orc.sql")
            guard arguments.count >= 3, let sql = arguments[2].stringValue else {
                throw PluginError("orc.sql(host, port, sql, ...): sql must be a string")
            }
            let parameters = try arguments.dropFirst(3).map { value throws(PluginError) -> String? in
                if value.isNil { return nil }
                guard let text = value.scalarText else { throw PluginError("orc.sql: parameters must be strings, numbers, booleans or nil") }
                return text
            }
            return LuaValue(try await services.sql(key, sql, parameters, timeout))
        }
    }

    /// The compiled-in plugins' functions, waiting ones bounded like Host's.
    private func registerAdded(on runtime: LuaRuntime) async throws(LuaError) {
        let timeout = self.timeout
        for function in services.functions {
            switch function.body {
            case .immediate(let body):
                try await runtime.register(function.name, body)
            case .waiting(let body):
                try await runtime.registerBlocking(function.name, timeout: timeout) { arguments in try await body(arguments, timeout) }
            }
        }
    }

    private func registerRun(on runtime: LuaRuntime) async throws(LuaError) {
        let environment = services.environment
        let timeout = self.timeout
        try await runtime.registerBlocking("orc.run", timeout: timeout + .seconds(1)) { arguments in
            guard let argv = arguments.first?.tableValue?.array.compactMap(\.stringValue), !argv.isEmpty,
                  argv.count == arguments.first?.tableValue?.array.count, argv[0].hasPrefix("/") else {
                throw PluginError("orc.run(argv, options): argv must be a list of strings, the first an absolute path, e.g. {\"/bin/echo\", \"hi\"}")
            }
            let options = arguments.count > 1 ? arguments[1] : .nil
            let seconds = options["timeout"].doubleValue
            // NaN or a negative timeout is a plugin bug; `math.huge` (or any huge number)
            // means "as long as allowed", i.e. the plugin timeout. Int64(Double) would trap.
            if let seconds, seconds.isNaN || seconds < 0 {
                throw PluginError("orc.run(argv, options): options.timeout must be a number of seconds >= 0, got \(seconds)")
            }
            let limit = seconds.map { Duration.milliseconds(Int64(saturating: $0 * 1000)) }.map { min($0, timeout) } ?? timeout
            let stdin = options["stdin"].stringValue.map { Data($0.utf8) }
            let result = try await TimedProcess.run(argv, environment: environment, stdin: stdin, timeout: limit, killLeftovers: true)
            var fields: [String: LuaValue] = [
                "stdout": .string(result.stdout), "stderr": .string(result.stderr), "timed_out": .bool(result.timedOut),
            ]
            switch result.termination {
            case .exited(let code): fields["code"] = .integer(Int64(code))
            case .signalled(let signal): fields["signal"] = .integer(Int64(signal))
            }
            return .table(LuaTable(fields: fields))
        }
    }

    // MARK: Conversions

    static func instanceKey(_ arguments: [LuaValue], function: String) throws(PluginError) -> InstanceKey {
        guard arguments.count >= 2, let host = arguments[0].stringValue, let port = arguments[1].integerValue,
              (1...65535).contains(port), let key = InstanceKey(parsing: host, defaultPort: Int(port)) else {
            throw PluginError("\(function)(host, port, ...): host must be a string and port a number from 1 to 65535")
        }
        return key
    }

    static func configValue(_ key: String, _ configuration: Configuration) -> LuaValue {
        guard case .object(let members) = configuration.rendered(redact: true),
              let member = members.first(where: { $0.key == key }) else { return .nil }
        // Secrets are rendered redacted; a plugin gets nothing rather than the placeholder.
        if case .string(let text) = member.value, text == Secret.redactedText { return .nil }
        return PluginJSON.luaValue(member.value)
    }

    static func text(_ value: LuaValue) -> String {
        value.scalarText ?? (value.isNil ? "nil" : PluginAnswerDecoder.describe(value))
    }
}

import ConfigJSON
import Foundation
import NIOCore

/// `orchestrator -c COMMAND`: orchestrator-client over the HTTP API, same flags, same output.
/// `ORCHESTRATOR_API` names one API URL or several (space or comma separated), in which case
/// the one answering 200 to `leader-check` is used; `ORCHESTRATOR_AUTH_USER` /
/// `ORCHESTRATOR_AUTH_PASSWORD` give basic-auth credentials.
public struct OrchestratorClient: Sendable {
    public struct Result: Sendable, Equatable {
        public var stdout: String
        public var stderr: String
        public var status: Int32
    }

    let apis: [String]
    let get: HTTPGet

    public init(environment: [String: String], api: String? = nil, timeoutSeconds: Int64 = 30) {
        let list = api ?? environment["ORCHESTRATOR_API"] ?? "http://localhost:3000/api"
        apis = list.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map { Self.normalized(String($0)) }
        get = HTTPGet(user: environment["ORCHESTRATOR_AUTH_USER"] ?? "", password: environment["ORCHESTRATOR_AUTH_PASSWORD"] ?? "",
                      caFile: environment["ORCHESTRATOR_CA_FILE"], timeout: .seconds(timeoutSeconds))
    }

    /// orchestrator-client's `normalize_orchestrator_api`: no trailing slash, ending in `/api`.
    static func normalized(_ api: String) -> String {
        var api = api
        while api.hasSuffix("/") { api.removeLast() }
        return api.hasSuffix("/api") ? api : api + "/api"
    }

    public func run(_ options: ClientOptions) async -> Result {
        do {
            let command = try ClientCommand.command(options.command)
            if case .help = command.output { return Result(stdout: Self.help, stderr: "", status: 0) }
            let path = try command.path(options)
            let leader = try await leaderAPI()
            if case .leader = command.output { return Result(stdout: leader + "\n", stderr: "", status: 0) }
            return try await call("\(leader)/\(path)", output: command.output, leader: leader)
        } catch {
            return Result(stdout: "", stderr: "orchestrator: \(error)\n", status: 1)
        }
    }

    /// The one API, or the first of several that says it leads.
    func leaderAPI() async throws(ClientError) -> String {
        guard apis.count > 1 else {
            guard let only = apis.first else { throw ClientError("ORCHESTRATOR_API is empty; set it to the API's URL, e.g. http://localhost:3000/api") }
            return only
        }
        let probe = HTTPGet(user: get.user, password: get.password, caFile: get.caFile, timeout: .seconds(1))
        for api in apis {
            if let (status, _) = try? await probe("\(api)/leader-check"), status == 200 { return api }
        }
        throw ClientError("Cannot determine leader from \(apis.joined(separator: " "))")
    }

    private func call(_ url: String, output: ClientOutput, leader: String) async throws(ClientError) -> Result {
        let body: [UInt8]
        do {
            body = try await get(url).body
        } catch {
            throw ClientError("Cannot access orchestrator at \(leader) (\(error)). Check ORCHESTRATOR_API is configured correctly and orchestrator is running")
        }
        guard let answer = try? ConfigJSONParser.parse(body) else {
            throw ClientError("Cannot access orchestrator at \(leader): the answer to \(url) is not JSON. Check ORCHESTRATOR_API is configured correctly")
        }
        // As orchestrator-client: an ERROR envelope prints its message on stderr (and
        // `-c api` the whole answer on stdout) and fails; anything else is printed.
        if case .object = answer, answer["Code"].rawText == "ERROR" {
            if case .raw = output { return Result(stdout: ClientOutput.collapsed(answer) + "\n", stderr: "", status: 1) }
            let details = answer["Details"]
            // `tr -d "'" | xargs echo`: quotes go, whitespace runs become one space.
            let message = answer["Message"].rawText.filter { $0 != "'" && $0 != "\"" }
                .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            return Result(stdout: details == .null ? "" : ClientOutput.collapsed(details) + "\n", stderr: message + "\n", status: 1)
        }
        let lines = output.lines(answer)
        return Result(stdout: lines.map { $0 + "\n" }.joined(), stderr: "", status: 0)
    }

    static var help: String {
        let width = (ClientCommand.all.map(\.name.count).max() ?? 0) + 2
        let commands = ClientCommand.all.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.help }
        return """
            Usage: orchestrator -c <command> [-i host:port] [-d host:port] [-a alias] [--owner O] [--reason R] [--duration D] [--promotion-rule R] [-path P]
            Talks to ORCHESTRATOR_API (default http://localhost:3000/api; several URLs: the leader is used).
            Basic auth: ORCHESTRATOR_AUTH_USER, ORCHESTRATOR_AUTH_PASSWORD. Extra CA for HTTPS: ORCHESTRATOR_CA_FILE.
            Commands:

            """ + commands.joined(separator: "\n") + "\n"
    }
}

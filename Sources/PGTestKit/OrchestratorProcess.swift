public import Foundation
public import Host
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the `orchestrator` binary built next to this test bundle.
public struct OrchestratorProcess: Sendable {
    public let pid: pid_t
    public let outputPath: String

    public static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("orchestrator").path
    }

    public static func start(_ arguments: [String]) throws -> OrchestratorProcess {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString).log").path
        let pid = try ChildProcess.spawn(binary, arguments, environment: ProcessInfo.processInfo.environment, outputPath: outputPath)
        return OrchestratorProcess(pid: pid, outputPath: outputPath)
    }

    /// As `start`, with the open-files limit (soft and hard) set to `openFiles` through
    /// `prlimit`, which then executes the daemon (same pid).
    public static func start(_ arguments: [String], openFiles: Int) throws -> OrchestratorProcess {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString).log").path
        let pid = try ChildProcess.spawn("/usr/bin/prlimit", ["--nofile=\(openFiles):\(openFiles)", binary] + arguments,
                                         environment: ProcessInfo.processInfo.environment, outputPath: outputPath)
        return OrchestratorProcess(pid: pid, outputPath: outputPath)
    }

    public static func run(_ arguments: [String]) async throws -> (termination: ChildProcess.Termination, output: String) {
        let process = try start(arguments)
        let termination = await ChildProcess.wait(process.pid)
        return (termination, process.output())
    }

    /// `orchestrator -c ...` (the client) with extra environment (`ORCHESTRATOR_API`, ...):
    /// how it ended and what it printed (stdout and stderr together).
    public static func client(_ arguments: [String], environment extra: [String: String]) async throws -> (termination: ChildProcess.Termination, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-client-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { _, new in new }
        let pid = try ChildProcess.spawn(binary, arguments, environment: environment, outputPath: outputPath)
        let termination = await ChildProcess.wait(pid)
        return (termination, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    public func output() -> String {
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// One GET: the status code and the body, whatever the status.
    public static func request(_ url: String) async throws -> (status: Int, body: Data) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Any method, with headers: the status, the headers (names in lower case) and the body,
    /// whatever the status. Through AsyncHTTPClient, because URLSession on Linux never
    /// completes a 401 that carries `WWW-Authenticate`.
    public static func request(_ url: String, method: String, headers: [String: String] = [:]) async throws -> (status: Int, headers: [String: String], body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return (Int(response.status.code), fields, Data(body.readableBytesView))
    }

    /// GET with retries while the daemon starts (up to 20 s).
    public func get(_ url: String) async throws -> Data {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
                if (response as? HTTPURLResponse)?.statusCode == 200 { return data }
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            throw URLError(.cannotConnectToHost)
        }
    }
}

public struct TemporaryFile: ~Copyable {
    public let path: String
    public init(_ text: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A loopback port free right now, outside the ephemeral range (see `PortAllocator`), and
/// handed out once per test process.
public func freePort() throws -> Int {
    let text = ProcessInfo.processInfo.environment["PGHA_TEST_PG_VERSION"] ?? "15"
    return try PortAllocator.services.allocate(slot: PortAllocator.slot(Int(text) ?? 15))
}

/// A TCP connection to 127.0.0.1:`port`, or nil when refused. Non-blocking: returned while
/// the handshake may still be in progress (for floods of idle connections).
public func loopbackConnection(_ port: Int, blocking: Bool) -> Int32? {
    let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | (blocking ? 0 : Int32(SOCK_NONBLOCK.rawValue))
    let fd = socket(AF_INET, type, 0)
    guard fd >= 0 else { return nil }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let started = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 || (!blocking && errno == EINPROGRESS)
        }
    }
    guard started else {
        close(fd)
        return nil
    }
    return fd
}

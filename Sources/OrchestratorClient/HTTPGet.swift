import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One GET with a hard deadline, basic authentication when configured, and the answer's
/// status and body (bounded). TLS uses the system's trust store; `ORCHESTRATOR_CA_FILE`
/// adds a CA (for a self-signed daemon certificate).
struct HTTPGet: Sendable {
    let user: String
    let password: String
    let caFile: String?
    let timeout: TimeAmount

    static let maximumBody = 64 << 20

    func callAsFunction(_ url: String) async throws -> (status: Int, body: [UInt8]) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile, !caFile.isEmpty {
            tls.trustRoots = .file(caFile)
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: timeout, read: timeout)
        // One attempt, as curl makes: a refused connection or an untrusted certificate is
        // reported at once instead of retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await fetch(url, with: client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func fetch(_ url: String, with client: HTTPClient) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        if !user.isEmpty || !password.isEmpty {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: Self.maximumBody)
        return (Int(response.status.code), Array(body.readableBytesView))
    }
}

import Foundation
import HTTPTypes
import Hummingbird

/// Orchestrator's v1 answer for actions: `{"Code":"OK"|"ERROR","Message":…,"Details":…}`.
/// `ERROR` goes out with HTTP 500, as upstream does, so scripts that check either still work.
struct Envelope<Details: Encodable & Sendable>: ResponseGenerator, Encodable, Sendable {
    enum Code: String, Encodable, Sendable {
        case ok = "OK"
        case error = "ERROR"
    }

    var code: Code
    var message: String
    var details: Details?
    /// The HTTP status of an `ERROR` answer (500 unless a route says otherwise).
    var errorStatus: HTTPResponse.Status = .internalServerError

    enum CodingKeys: String, CodingKey {
        case code = "Code"
        case message = "Message"
        case details = "Details"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody(self, status: code == .ok ? .ok : errorStatus).response(from: request, context: context)
    }
}

/// A JSON body with an explicit status, encoded the same way everywhere (sorted keys, so
/// answers are stable for diffing and golden tests).
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    var value: Value
    var status: HTTPResponse.Status

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

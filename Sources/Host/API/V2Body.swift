import Foundation
import HTTPTypes
import Hummingbird

/// The v2 envelope `{"status":"ok"|"error","data":…,"error":{"code","message"}}` with a real
/// HTTP status.
enum V2Body<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    case success(Value)
    case failure(HTTPResponse.Status, code: String, String)

    struct Payload: Encodable, Sendable {
        struct Failure: Encodable, Sendable {
            var code: String
            var message: String
        }
        var status: String
        var data: Value?
        var error: Failure?
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch self {
        case .success(let value):
            try JSONBody(Payload(status: "ok", data: value, error: nil)).response(from: request, context: context)
        case .failure(let status, let code, let message):
            try JSONBody(Payload(status: "error", data: nil, error: .init(code: code, message: message)), status: status)
                .response(from: request, context: context)
        }
    }
}

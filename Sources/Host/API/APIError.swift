import HTTPTypes
import Hummingbird

/// A request the API refuses. v1 paths answer with upstream's `{"Code":"ERROR",...}`
/// envelope, v2 paths with `{"status":"error","error":{"code","message"}}`; both say what was
/// wrong in `message`.
struct APIError: Error, HTTPResponseError {
    /// The HTTP status (v2, and v1 unless `v1Status` says otherwise).
    let status: HTTPResponse.Status
    /// The v2 error code (`NOT_FOUND`, `INVALID_INSTANCE`, ...).
    let code: String
    let message: String
    /// Upstream answers a v1 read of something unknown with `ERROR` and HTTP 500; scripts
    /// written against it check for that, so v1 keeps it while v2 says 404.
    var v1Status: HTTPResponse.Status?
    var headers: HTTPFields = [:]

    static func badRequest(_ message: String, code: String = "BAD_REQUEST") -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }

    static func invalidInstance(_ message: String) -> APIError { badRequest(message, code: "INVALID_INSTANCE") }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "NOT_FOUND", message: message, v1Status: .internalServerError)
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, code: "INTERNAL_ERROR", message: message)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response: Response
        if Self.isV2(request.uri.path) {
            response = try JSONBody(V2Envelope<String>.failure(code: code, message: message), status: status)
                .response(from: request, context: context)
        } else {
            response = try Envelope<String>(code: .error, message: message).response(from: request, context: context)
            response.status = v1Status ?? status
        }
        for field in headers { response.headers.append(field) }
        return response
    }

    static func isV2(_ path: String) -> Bool { path.contains("/api/v2/") || path.hasSuffix("/api/v2") }
}

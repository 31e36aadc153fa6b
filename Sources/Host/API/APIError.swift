import Hummingbird

/// A request the API refuses, answered with upstream's error envelope and a 4xx status.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try Envelope<String>(code: .error, message: message).response(from: request, context: context)
        response.status = status
        return response
    }
}

import HTTPTypes
import Hummingbird
import Logging

/// Turns every failure into a JSON answer in the envelope of the path's API version: unknown
/// routes (404), other methods (405), refused requests, and unexpected errors
/// (500, logged). Nothing reaches the client as an empty or HTML body.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request).response(from: request, context: context)
        } catch {
            context.logger.error("API request \(request.method) \(request.uri.path.prefix(200)) failed: \(error)")
            return try APIError.internalError("Internal error: \(error)").response(from: request, context: context)
        }
    }

    private func translate(_ error: HTTPError, _ request: Request) -> APIError {
        let path = String(request.uri.path.prefix(200))
        if error.status == .notFound {
            // Reads answer GET, writes GET and POST; any other method is served nowhere, and a
            // POST that found no route is one to a read (or to no route at all).
            if request.method != .get {
                return APIError(status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                                message: "Method \(request.method) is not allowed here: reads answer GET, changes GET and POST",
                                headers: [.allow: "GET"])
            }
            return APIError(status: .notFound, code: "NOT_FOUND",
                            message: "No such API endpoint: \(path); the list is at /api/openapi.json")
        }
        return APIError(status: error.status, code: error.status.code < 500 ? "BAD_REQUEST" : "INTERNAL_ERROR",
                        message: error.body ?? error.status.reasonPhrase)
    }
}

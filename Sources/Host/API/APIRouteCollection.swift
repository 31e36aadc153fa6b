import Hummingbird

/// A group of related API routes. `APIServer` registers every collection on the `/api` group
/// (under `URLPrefix`), behind the access and error middlewares; adding a collection is one
/// line there, plus its entries in `APIAccess.byAction` and `OpenAPIDocument`.
protocol APIRouteCollection: Sendable {
    func register(on api: RouterGroup<BasicRequestContext>)
}

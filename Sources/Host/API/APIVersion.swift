/// Which shapes a route answers in, from the path it is registered under: `/api/v2/` answers
/// v2's `{"status","data","error"}`, the rest of `/api/` v1's shapes (errors as the `ERROR`
/// envelope, as `APIError` renders them), and a route outside `/api` (`/metrics`) answers its
/// own format and has no failures of its own.
enum APIVersion: Sendable {
    case v1, v2, unversioned

    /// `path` as the document spells it, relative to URLPrefix (`/api/v2/clusters`).
    init(documentPath path: String) {
        if APIError.isV2(path) {
            self = .v2
        } else if path.hasPrefix("/api/") {
            self = .v1
        } else {
            self = .unversioned
        }
    }
}

/// The v2 API's answer: `{"status":"ok","data":…}` or
/// `{"status":"error","data":null,"error":{"code","message"},"message":…}`, always with a
/// real HTTP status code (the fork's `docs/api-v2.md`).
struct V2Envelope<Data: Encodable & Sendable>: Encodable, Sendable {
    struct Failure: Encodable, Sendable {
        var code: String
        var message: String
    }

    var status: String
    var data: Data?
    var error: Failure?
    var message: String?

    static func success(_ data: Data) -> V2Envelope { V2Envelope(status: "ok", data: data) }

    static func failure(code: String, message: String) -> V2Envelope {
        V2Envelope(status: "error", data: nil, error: Failure(code: code, message: message), message: message)
    }

    enum CodingKeys: String, CodingKey { case status, data, error, message }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(data, forKey: .data)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(message, forKey: .message)
    }
}

/// An OpenAPI 3.0 schema object, with the keywords this API's document uses and no others.
/// Built from the static members and modifiers below, e.g.
/// `.array(.ref(.instanceKey))` or `.string.maxLength(255).described("...")`.
struct APISchema: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable {
        case string, integer, boolean, object, array
    }

    /// `items`, boxed: a struct cannot hold a value of its own type directly.
    indirect enum Items: Encodable, Sendable {
        case of(APISchema)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .of(let schema): try schema.encode(to: encoder)
            }
        }
    }

    private(set) var type: Kind?
    private(set) var ref: String?
    private(set) var format: String?
    private(set) var description: String?
    private(set) var example: String?
    private(set) var values: [String]?
    private(set) var minimum: Int?
    private(set) var maximum: Int?
    private(set) var maxLength: Int?
    private(set) var isNullable: Bool?
    private(set) var properties: [String: APISchema]?
    private(set) var required: [String]?
    private(set) var items: Items?
    private(set) var allOf: [APISchema]?

    enum CodingKeys: String, CodingKey {
        case type, format, description, example, minimum, maximum, maxLength, properties, required, items, allOf
        case ref = "$ref", values = "enum", isNullable = "nullable"
    }

    /// `{}`: any value.
    static let any = APISchema()
    static let string = APISchema(type: .string)
    static let integer = APISchema(type: .integer)
    static let boolean = APISchema(type: .boolean)
    /// `{"type":"object"}`: an object of any shape.
    static let anyObject = APISchema(type: .object)

    /// One of `components/schemas`.
    static func ref(_ component: APIComponent) -> APISchema {
        APISchema(ref: "#/components/schemas/\(component.rawValue)")
    }

    static func array(_ items: APISchema) -> APISchema {
        APISchema(type: .array, items: .of(items))
    }

    /// An object; `required` names the properties always present (`.all`: every one).
    static func object(_ properties: [String: APISchema], required: Required = []) -> APISchema {
        let names = required.names ?? properties.keys.sorted()
        return APISchema(type: .object, properties: properties, required: names.isEmpty ? nil : names)
    }

    /// Every one of `schemas` at once: how a shared shape is extended.
    static func allOf(_ schemas: APISchema...) -> APISchema {
        APISchema(allOf: schemas)
    }

    /// A string that is one of `values`.
    static func oneOf(_ values: [String]) -> APISchema {
        APISchema(type: .string, values: values)
    }

    static func integer(_ range: ClosedRange<Int>) -> APISchema {
        APISchema(type: .integer, minimum: range.lowerBound, maximum: range.upperBound)
    }

    static func integer(atLeast minimum: Int) -> APISchema {
        APISchema(type: .integer, minimum: minimum)
    }

    func described(_ text: String) -> APISchema { with { $0.description = text } }
    func example(_ text: String) -> APISchema { with { $0.example = text } }
    func format(_ name: String) -> APISchema { with { $0.format = name } }
    func maxLength(_ length: Int) -> APISchema { with { $0.maxLength = length } }
    /// The value may also be `null`.
    var nullable: APISchema { with { $0.isNullable = true } }

    private func with(_ change: (inout APISchema) -> Void) -> APISchema {
        var copy = self
        change(&copy)
        return copy
    }

    /// `required` of `object(_:required:)`: names, or every property.
    struct Required: ExpressibleByArrayLiteral, Sendable {
        /// nil: every property.
        let names: [String]?

        static let all = Required(names: nil)

        init(names: [String]?) { self.names = names }
        init(arrayLiteral names: String...) { self.names = names }
    }
}

import ConfigJSON

/// How a command prints the API's answer: the jq filters of orchestrator-client, over the
/// answer with member order kept (jq keeps it too).
enum ClientOutput: Sendable {
    /// `.[].Field` (each) or `.Field`, raw.
    case field(String, each: Bool)
    /// `.[] | (.ClusterName + "," + .ClusterAlias)`.
    case clusterAliases
    /// `.[] | .Key` as `host:port` lines.
    case keys
    /// `.Key` as `host:port`.
    case key
    /// `.MasterKey` as `host:port`.
    case masterKey
    /// `.Details.Key` as `host:port`.
    case detailsKeyField
    /// `.Details` (a key) as `host:port`.
    case detailsKey
    /// `.Details.SuccessorKey` as `host:port`.
    case successorKey
    /// `.Details` as text (`jq -r .Details`).
    case detailsText
    /// `.Details` through `jq -r .`.
    case detailsRaw
    /// One line per analysis entry: `host:port (cluster name): Analysis`.
    case analysis
    /// The whole answer, as `echo $api_response` prints jq's output (whitespace collapsed).
    case raw
    case nothing
    /// Not API answers: the leader's URL, the command list.
    case leader, help

    func lines(_ answer: ConfigJSONValue) -> [String] {
        switch self {
        case .field(let name, let each):
            return each ? answer.elements.map { $0[name].rawText } : [answer[name].rawText]
        case .clusterAliases:
            return answer.elements.map { "\($0["ClusterName"].rawText),\($0["ClusterAlias"].rawText)" }
        case .keys: return answer.elements.map { Self.key($0["Key"]) }
        case .key: return [Self.key(answer["Key"])]
        case .masterKey: return [Self.key(answer["MasterKey"])]
        case .detailsKeyField: return [Self.key(answer["Details"]["Key"])]
        case .detailsKey: return [Self.key(answer["Details"])]
        case .successorKey: return [Self.key(answer["Details"]["SuccessorKey"])]
        case .detailsText, .detailsRaw: return [answer["Details"].rawText]
        case .analysis:
            return answer["Details"].elements.map { entry in
                let key = entry["AnalyzedInstanceKey"]
                let verdict = entry["Analysis"].rawText == "NoProblem" ? entry["StructureAnalysis"].elements.first?.rawText ?? "null"
                    : entry["Analysis"].rawText
                return "\(Self.key(key)) (cluster \(entry["ClusterDetails"]["ClusterName"].rawText)): \(verdict)"
            }
        case .raw: return [Self.collapsed(answer)]
        case .nothing, .leader, .help: return []
        }
    }

    /// jq's `.Hostname + ":" + (.Port | tostring)`.
    static func key(_ value: ConfigJSONValue) -> String {
        "\(value["Hostname"].rawText):\(value["Port"].rawText)"
    }

    /// `echo $x` of jq's indented output: the shell splits it at whitespace and joins the
    /// words with single spaces.
    static func collapsed(_ value: ConfigJSONValue) -> String {
        ConfigJSONWriter.pretty(value).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }
}

extension ConfigJSONValue {
    /// jq's `.[]` over an array or an object's values; nothing otherwise.
    var elements: [ConfigJSONValue] {
        switch self {
        case .array(let items): items
        case .object(let members): members.map(\.value)
        default: []
        }
    }

    /// jq's `.name`: null when absent or not an object.
    subscript(name: String) -> ConfigJSONValue {
        guard case .object(let members) = self else { return .null }
        return members.last { $0.key == name }?.value ?? .null
    }

    /// `jq -r`: strings without quotes, everything else as jq prints JSON.
    var rawText: String {
        if case .string(let text) = self { return text }
        return ConfigJSONWriter.pretty(self)
    }
}

import Foundation
/// orchestrator-client's commands: which API path each one calls (with its argument mapping)
/// and how it prints the answer. Pure, so URL construction is tested without a server.
public struct ClientCommand: Sendable {
    public let name: String
    let output: ClientOutput
    let help: String
    let path: @Sendable (ClientOptions) throws(ClientError) -> String

    /// The request path relative to the API root (`clusters-info`, `discover/db1/5432`, ...).
    public static func requestPath(for options: ClientOptions) throws(ClientError) -> String {
        try command(options.command).path(options)
    }

    static func command(_ name: String) throws(ClientError) -> ClientCommand {
        guard let command = all.first(where: { $0.name == name.replacingOccurrences(of: "slave", with: "replica") }) else {
            throw ClientError("Unsupported command \(name); `orchestrator -c help` lists them")
        }
        return command
    }

    public static let names: [String] = all.map(\.name)

    static let all: [ClientCommand] = [
        .init(name: "clusters", output: .field("ClusterName", each: true), help: "List all clusters known to orchestrator") { _ in "clusters-info" },
        .init(name: "clusters-alias", output: .clusterAliases, help: "List all clusters with their aliases") { _ in "clusters-info" },
        .init(name: "all-instances", output: .keys, help: "The complete list of known instances") { _ in "all-instances" },
        .init(name: "topology", output: .detailsText, help: "Show the replication tree of a cluster, given a member or alias") { o throws(ClientError) in
            "topology/\(try o.clusterHint())"
        },
        .init(name: "which-api", output: .leader, help: "Output the HTTP API to be used") { _ in "" },
        .init(name: "which-cluster", output: .field("ClusterName", each: false), help: "Output the name of the cluster an instance belongs to") { o throws(ClientError) in
            "cluster-info/\(try o.clusterHint())"
        },
        .init(name: "which-cluster-alias", output: .field("ClusterAlias", each: false), help: "Output the alias of the cluster an instance belongs to") { o throws(ClientError) in
            "cluster-info/\(try o.clusterHint())"
        },
        .init(name: "which-cluster-master", output: .field("ClusterName", each: false), help: "Output the primary of a cluster") { o throws(ClientError) in
            "master/\(try o.clusterHint())"
        },
        .init(name: "which-cluster-instances", output: .keys, help: "Output the instances of the cluster of an instance or alias") { o throws(ClientError) in
            "cluster/\(try o.clusterHint())"
        },
        .init(name: "which-replicas", output: .keys, help: "Output the standbys of an instance") { o throws(ClientError) in
            "instance-replicas/\(try o.instancePath())"
        },
        .init(name: "which-master", output: .masterKey, help: "Output the upstream of an instance") { o throws(ClientError) in
            "instance/\(try o.instancePath())"
        },
        .init(name: "instance", output: .key, help: "Output host:port of an instance, or an error if unknown") { o throws(ClientError) in
            "instance/\(try o.instancePath())"
        },
        .init(name: "discover", output: .detailsKeyField, help: "Look up an instance and investigate it") { o throws(ClientError) in
            "discover/\(try o.instancePath())"
        },
        .init(name: "forget", output: .nothing, help: "Forget about an instance's existence") { o throws(ClientError) in
            "forget/\(try o.instancePath())"
        },
        .init(name: "forget-cluster", output: .nothing, help: "Forget about a cluster") { o throws(ClientError) in
            "forget-cluster/\(try o.clusterHint())"
        },
        .init(name: "begin-downtime", output: .detailsKey, help: "Mark an instance as downtimed (--owner, --reason, --duration)") { o throws(ClientError) in
            let instance = try o.instancePath()
            let owner = try o.required("owner", o.owner), reason = try o.required("reason", o.reason)
            return "begin-downtime/\(instance)/\(URLEncoding.component(owner))/\(URLEncoding.component(reason))/\(try o.required("duration", o.duration))"
        },
        .init(name: "end-downtime", output: .detailsKey, help: "Indicate an instance is no longer downtimed") { o throws(ClientError) in
            "end-downtime/\(try o.instancePath())"
        },
        .init(name: "downtimed", output: .keys, help: "List downtimed instances (of a cluster with -i or -a)") { o in
            let hint = o.alias.isEmpty ? o.instance : o.alias
            return hint.isEmpty ? "downtimed" : "downtimed/\(hint)"
        },
        .init(name: "replication-analysis", output: .analysis, help: "Show the failure analysis of all known topologies") { _ in "replication-analysis" },
        .init(name: "recover", output: .detailsKey, help: "Recover a dead instance, if orchestrator agrees there is a problem") { o throws(ClientError) in
            "recover/\(try o.instancePath())"
        },
        .init(name: "graceful-master-takeover", output: .successorKey,
              help: "Switch over to a new primary: -d names it, or the primary must have a single standby") { o throws(ClientError) in
            try o.takeoverPath("graceful-master-takeover")
        },
        .init(name: "graceful-master-takeover-auto", output: .successorKey,
              help: "Switch over to a new primary; orchestrator picks it unless -d names it") { o throws(ClientError) in
            try o.takeoverPath("graceful-master-takeover-auto")
        },
        .init(name: "ack-cluster-recoveries", output: .detailsRaw, help: "Acknowledge the recoveries of a cluster (--reason)") { o throws(ClientError) in
            let hint = try o.clusterHint()
            return "ack-recovery/cluster/\(hint)?comment=\(URLEncoding.component(try o.required("reason", o.reason)))"
        },
        .init(name: "ack-instance-recoveries", output: .detailsRaw, help: "Acknowledge the recoveries of an instance (--reason)") { o throws(ClientError) in
            let instance = try o.instancePath()
            return "ack-recovery/instance/\(instance)?comment=\(URLEncoding.component(try o.required("reason", o.reason)))"
        },
        .init(name: "ack-all-recoveries", output: .detailsRaw, help: "Acknowledge all recoveries (--reason)") { o throws(ClientError) in
            "ack-all-recoveries?comment=\(URLEncoding.component(try o.required("reason", o.reason)))"
        },
        .init(name: "disable-global-recoveries", output: .detailsRaw, help: "Disallow automated recoveries globally") { _ in "disable-global-recoveries" },
        .init(name: "enable-global-recoveries", output: .detailsRaw, help: "Allow automated recoveries globally") { _ in "enable-global-recoveries" },
        .init(name: "check-global-recoveries", output: .detailsRaw, help: "Show whether automated recoveries are enabled") { _ in "check-global-recoveries" },
        .init(name: "register-candidate", output: .detailsKey, help: "Set the promotion rule of an instance (--promotion-rule)") { o throws(ClientError) in
            let instance = try o.instancePath()
            return "register-candidate/\(instance)/\(try o.required("promotion-rule", o.promotionRule))"
        },
        .init(name: "api", output: .raw, help: "Call any API path (-path) and print the answer") { o throws(ClientError) in
            try o.required("path", o.path).drop { $0 == "/" }.description
        },
        .init(name: "help", output: .help, help: "Show the available commands") { _ in "" },
    ]
}

extension ClientOptions {
    /// `host:port` as orchestrator-client's `to_hostport` writes it: `host/port`, the
    /// default port when none is given.
    static func hostPort(_ text: String, defaultPort: Int) -> String {
        guard let colon = text.lastIndex(of: ":") else { return "\(text)/\(defaultPort)" }
        return "\(text[..<colon])/\(text[text.index(after: colon)...])"
    }

    func instancePath() throws(ClientError) -> String {
        Self.hostPort(try required("instance", instance), defaultPort: defaultPort)
    }

    /// `-a` when given, else `-i`, as written (orchestrator-client's `${alias:-$instance}`).
    func clusterHint() throws(ClientError) -> String {
        try required("instance|alias", alias.isEmpty ? instance : alias)
    }

    func takeoverPath(_ action: String) throws(ClientError) -> String {
        let hint = try clusterHint()
        return destination.isEmpty ? "\(action)/\(hint)" : "\(action)/\(hint)/\(Self.hostPort(destination, defaultPort: defaultPort))"
    }

    func required(_ name: String, _ value: String) throws(ClientError) -> String {
        guard !value.isEmpty else { throw ClientError("\(name) must be provided") }
        return value
    }
}

/// jq's `@uri`: everything but unreserved characters percent-encoded.
enum URLEncoding {
    static func component(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-_.~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

import ConfigJSON

/// Rules that involve more than one key, checked after every key has been applied. Single-key
/// rules (types, ranges, choices, regexes, addresses) live in the key table itself.
enum ConfigValidation {
    static func validate(_ config: Configuration, context: inout ConfigDecodeContext) throws(ConfigError) {
        try validateAuthentication(config, context: &context)
        try validateTLS(config, context: context)
        try validatePolling(config, context: context)
    }

    private static func validateAuthentication(_ config: Configuration, context: inout ConfigDecodeContext) throws(ConfigError) {
        let method = config.http.authenticationMethod
        guard method != .none else { return }
        if config.http.authUser.isEmpty {
            throw context.invalid("HTTPAuthUser", .string(""), secret: false,
                                  expected: "a user name, because AuthenticationMethod is \"\(method.rawValue)\"")
        }
        if config.http.authPassword.isEmpty {
            context.warn("HTTPAuthPassword is empty while AuthenticationMethod is \"\(method.rawValue)\": "
                + "anyone who knows the user name can log in")
        }
    }

    private static func validateTLS(_ config: Configuration, context: ConfigDecodeContext) throws(ConfigError) {
        let http = config.http
        if http.useSSL {
            try requireReadableFile(http.sslCertFile, key: "SSLCertFile", what: "a PEM certificate file",
                                    because: "UseSSL is true", context: context)
            try requireReadableFile(http.sslPrivateKeyFile, key: "SSLPrivateKeyFile", what: "a PEM private key file",
                                    because: "UseSSL is true", context: context)
        }
        if http.useMutualTLS {
            guard http.useSSL else {
                throw context.invalid("UseMutualTLS", .bool(true), secret: false,
                                      expected: "false, or UseSSL true as well (mutual TLS needs HTTPS)")
            }
            try requireReadableFile(http.sslCAFile, key: "SSLCAFile", what: "a PEM CA bundle",
                                    because: "UseMutualTLS is true", context: context)
        }
    }

    private static func requireReadableFile(_ path: String, key: String, what: String, because: String,
                                            context: ConfigDecodeContext) throws(ConfigError) {
        guard !path.isEmpty else {
            throw context.invalid(key, .string(""), secret: false, expected: "\(what), because \(because)")
        }
        if let problem = ConfigFileAccess.readabilityProblem(path) {
            throw context.invalid(key, .string(path), secret: false,
                                  expected: "a readable file, because \(because) (\(problem))")
        }
    }

    private static func validatePolling(_ config: Configuration, context: ConfigDecodeContext) throws(ConfigError) {
        let discovery = config.discovery
        if discovery.deadInstancePollSecondsMax < discovery.instancePollSeconds {
            throw context.invalid("DeadInstancePollSecondsMax", .integer(discovery.deadInstancePollSecondsMax), secret: false,
                                  expected: "a whole number of seconds >= InstancePollSeconds (\(discovery.instancePollSeconds))")
        }
    }
}

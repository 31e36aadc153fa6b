/// A failure loading or running Lua code, or converting values across the boundary.
///
/// `description` reads like Lua's own messages plus the kind of failure:
/// `plugins/x.lua:12: attempt to index a nil value (runtime error)`.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    /// Extensible: new kinds of failure can be added without breaking callers that switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// Identifier, for logs and metrics labels.
        public let name: String
        /// How the failure reads at the end of `LuaError.description`.
        public let phrase: String
        public var description: String { name }

        public init(name: String, phrase: String) {
            self.name = name
            self.phrase = phrase
        }

        /// The chunk does not compile.
        public static let syntax = Code(name: "syntax", phrase: "syntax error")
        /// The script raised an error (including `error(...)`).
        public static let runtime = Code(name: "runtime", phrase: "runtime error")
        /// The call executed more VM instructions than its budget allowed.
        public static let budgetExhausted = Code(name: "budgetExhausted", phrase: "instruction budget exhausted")
        /// The call ran past its deadline (or a blocking host function past its timeout).
        public static let deadlineExceeded = Code(name: "deadlineExceeded", phrase: "deadline exceeded")
        /// The state's memory limit was reached.
        public static let outOfMemory = Code(name: "outOfMemory", phrase: "out of memory")
        /// A value could not be converted (cycle, depth, unsupported key, opaque value).
        public static let conversion = Code(name: "conversion", phrase: "conversion error")
        /// The name given to `call` does not denote a function.
        public static let notAFunction = Code(name: "notAFunction", phrase: "not a function")
        /// A registered Swift function threw and the script did not catch it (see `underlying`).
        public static let hostFunction = Code(name: "hostFunction", phrase: "host function error")
        /// A script file could not be read.
        public static let file = Code(name: "file", phrase: "file error")
        /// The runtime was closed.
        public static let closed = Code(name: "closed", phrase: "runtime closed")
    }

    public var code: Code
    /// The chunk the error comes from: the file path for files, the name for strings.
    public var file: String?
    public var line: Int?
    /// The message without its `file:line:` prefix.
    public var message: String
    /// Lua's stack traceback, for errors raised while running.
    public var traceback: String?
    /// The Swift error thrown by a registered function, when that is the cause.
    public var underlying: (any Error)?

    public init(
        _ code: Code, message: String, file: String? = nil, line: Int? = nil,
        traceback: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.traceback = traceback
        self.underlying = underlying
    }

    public var description: String {
        var text = ""
        if let file {
            text += file
            if let line { text += ":\(line)" }
            text += ": "
        }
        text += message
        if message != code.phrase { text += " (\(code.phrase))" }
        return text
    }
}

/// A failure loading or running Lua code, or converting values across the boundary.
///
/// `description` reads like Lua's own messages plus the kind of failure:
/// `plugins/x.lua:12: attempt to index a nil value (runtime error)`.
package struct LuaError: Error, Sendable, CustomStringConvertible {
    /// Extensible: new kinds of failure can be added without breaking callers that switch on it.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// Identifier, for logs and metrics labels.
        package let name: String
        /// How the failure reads at the end of `LuaError.description`.
        package let phrase: String
        package var description: String { name }

        package init(name: String, phrase: String) {
            self.name = name
            self.phrase = phrase
        }

        /// The chunk does not compile.
        package static let syntax = Code(name: "syntax", phrase: "syntax error")
        /// The script raised an error (including `error(...)`).
        package static let runtime = Code(name: "runtime", phrase: "runtime error")
        /// The call executed more VM instructions than its budget allowed.
        package static let budgetExhausted = Code(name: "budgetExhausted", phrase: "instruction budget exhausted")
        /// The call ran past its deadline (or a blocking host function past its timeout).
        package static let deadlineExceeded = Code(name: "deadlineExceeded", phrase: "deadline exceeded")
        /// The state's memory limit was reached.
        package static let outOfMemory = Code(name: "outOfMemory", phrase: "out of memory")
        /// A value could not be converted (cycle, depth, unsupported key, opaque value).
        package static let conversion = Code(name: "conversion", phrase: "conversion error")
        /// The name given to `call` does not denote a function.
        package static let notAFunction = Code(name: "notAFunction", phrase: "not a function")
        /// A registered Swift function threw and the script did not catch it (see `underlying`).
        package static let hostFunction = Code(name: "hostFunction", phrase: "host function error")
        /// A script file could not be read.
        package static let file = Code(name: "file", phrase: "file error")
        /// The runtime was closed.
        package static let closed = Code(name: "closed", phrase: "runtime closed")
    }

    package var code: Code
    /// The chunk the error comes from: the file path for files, the name for strings.
    package var file: String?
    package var line: Int?
    /// The message without its `file:line:` prefix.
    package var message: String
    /// Lua's stack traceback, for errors raised while running.
    package var traceback: String?
    /// The Swift error thrown by a registered function, when that is the cause.
    package var underlying: (any Error)?

    package init(
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

    package var description: String {
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

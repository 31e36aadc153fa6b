/// `${VAR}` expansion of config string values.
///
/// Rules (also stated in the generated reference):
/// - `${NAME}` is replaced by the environment variable NAME (`[A-Za-z_][A-Za-z0-9_]*`).
///   An unset variable is an error; a variable set to the empty string expands to "".
/// - `$${` is a literal `${` (only this sequence is an escape; `$$` elsewhere stays `$$`).
/// - Any other `$` is literal, so passwords containing `$` need no escaping.
/// - `${` with no closing `}` or with an invalid name (`${1X}`, `${A-B}`, `${X:-default}`) is an
///   error rather than silently literal.
enum ConfigEnvironmentExpansion {
    enum Failure: Error, Equatable {
        case undefined(name: String)
        case malformed(reference: String)
    }

    static func expand(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$" else {
                out.append(scalar)
                index += 1
                continue
            }
            // "$${" -> literal "${"
            if index + 2 < scalars.count, scalars[index + 1] == "$", scalars[index + 2] == "{" {
                out.append("$")
                out.append("{")
                index += 3
                continue
            }
            guard index + 1 < scalars.count, scalars[index + 1] == "{" else {
                out.append(scalar)
                index += 1
                continue
            }
            // "${" NAME "}"
            var end = index + 2
            while end < scalars.count, scalars[end] != "}" { end += 1 }
            guard end < scalars.count else {
                throw .malformed(reference: String(String.UnicodeScalarView(scalars[index...].prefix(24))))
            }
            let name = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
            guard isValidName(name) else {
                throw .malformed(reference: "${" + name + "}")
            }
            guard let value = environment[name] else {
                throw .undefined(name: name)
            }
            out.append(contentsOf: value.unicodeScalars)
            index = end + 1
        }
        return String(out)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || scalar == "_"
        }
        return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}

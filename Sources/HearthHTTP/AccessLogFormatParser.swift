/// Compiles an Apache `LogFormat` string (mod_log_config) into items, in
/// one pass: literal text, `%%`, and `%[<>][{ARG}]LETTER`. A `%{NAME}` not
/// followed by a letter is the note NAME (`%{cpu}`, `%{maxrss}`, the
/// spelling of issue 22), as `%{NAME}n` is. Everything not supported is
/// refused with its position, never printed as is: a format that silently
/// logs the wrong thing is found out too late.
enum AccessLogFormatParser {
    static func parse(_ text: String) throws(AccessLogFormatError) -> [AccessLogFormat.Item] {
        let characters = Array(text)
        var items: [AccessLogFormat.Item] = []
        var literal = ""
        var index = 0
        func flushLiteral() {
            if !literal.isEmpty { items.append(.literal(literal)) }
            literal = ""
        }
        while index < characters.count {
            let character = characters[index]
            guard character == "%" else {
                // One line per request: a line break (or any control
                // character but a tab) in the format would break that.
                if character.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
                    throw AccessLogFormatError(position: index + 1, message: "a control character is not allowed (the format is one line)")
                }
                literal.append(character)
                index += 1
                continue
            }
            let start = index
            index += 1
            if index < characters.count, characters[index] == "%" {
                literal.append("%")
                index += 1
                continue
            }
            let directive = try readDirective(characters, from: &index, start: start)
            flushLiteral()
            items.append(directive)
        }
        flushLiteral()
        return items
    }

    /// Reads what follows a `%` at `start`; `index` is left after it.
    private static func readDirective(_ characters: [Character], from index: inout Int, start: Int) throws(AccessLogFormatError) -> AccessLogFormat.Item {
        func fail(_ message: String) -> AccessLogFormatError { AccessLogFormatError(position: start + 1, message: message) }
        var finalStatus = false
        if index < characters.count, characters[index] == ">" || characters[index] == "<" {
            finalStatus = true
            index += 1
        }
        if index < characters.count, characters[index].isNumber || characters[index] == "!" {
            throw fail("status conditions (as in %400,501{User-agent}i) are not supported")
        }
        var argument: String?
        if index < characters.count, characters[index] == "{" {
            guard let close = characters[index...].firstIndex(of: "}") else { throw fail("\"%{\" without its closing \"}\"") }
            argument = String(characters[(index + 1)..<close])
            index = close + 1
        }
        guard index < characters.count, characters[index].isASCII, characters[index].isLetter else {
            // `%{cpu}`: a note by its name alone.
            if let argument, !finalStatus { return try note(argument, fail: fail) }
            throw fail(index < characters.count ? "\"%\" must be followed by a directive letter, found \"\(characters[index])\"" : "the format ends in the middle of a directive")
        }
        let letter = characters[index]
        index += 1
        if finalStatus, letter != "s" { throw fail("\"%\(characters[start + 1])\" applies only to %s") }
        if let argument { return try braced(letter, argument, fail: fail) }
        return try plain(letter, fail: fail)
    }

    private static func plain(_ letter: Character, fail: (String) -> AccessLogFormatError) throws(AccessLogFormatError) -> AccessLogFormat.Item {
        switch letter {
        case "h", "a": return .remoteAddress
        case "A": return .localAddress
        case "p": return .localPort
        case "l": return .identity
        case "u": return .user
        case "t": return .time
        case "r": return .requestLine
        case "m": return .method
        case "U": return .path
        case "q": return .query
        case "H": return .httpVersion
        case "s": return .status
        case "b": return .bodyBytes(zero: "-")
        case "B": return .bodyBytes(zero: "0")
        case "D": return .elapsed(.microseconds)
        case "T": return .elapsed(.seconds)
        case "i", "n", "e": throw fail("%\(letter) needs a name, as in %{NAME}\(letter)")
        default: throw fail("unknown directive %\(letter)")
        }
    }

    private static func braced(_ letter: Character, _ argument: String, fail: (String) -> AccessLogFormatError) throws(AccessLogFormatError) -> AccessLogFormat.Item {
        switch letter {
        case "i":
            guard isToken(argument) else { throw fail("\"\(argument)\" is not a header field name") }
            return .requestHeader(argument)
        case "n": return try note(argument, fail: fail)
        case "e":
            // Hearth keeps no environment of its own per request; the one
            // variable Apache users log this way is mod_unique_id's.
            guard argument == "UNIQUE_ID" else { throw fail("%{\(argument)}e: only %{UNIQUE_ID}e (the request id) is supported") }
            return .requestID
        case "T":
            switch argument {
            case "s": return .elapsed(.seconds)
            case "ms": return .elapsed(.milliseconds)
            case "us": return .elapsed(.microseconds)
            default: throw fail("%{\(argument)}T: the unit must be s, ms or us")
            }
        default: throw fail("unknown directive %{\(argument)}\(letter)")
        }
    }

    private static func note(_ name: String, fail: (String) -> AccessLogFormatError) throws(AccessLogFormatError) -> AccessLogFormat.Item {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
            throw fail("\"\(name)\" is not a note name (letters, digits, _ - .)")
        }
        return .note(name)
    }

    /// RFC 9110 §5.1: a field name is a token.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
        }
    }
}

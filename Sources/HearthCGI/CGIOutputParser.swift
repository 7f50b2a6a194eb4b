/// Parses the header block of a script's output incrementally (§6.2, §6.3):
/// feed it bytes as they arrive; it answers with what to do next. Lines end
/// in LF or CR LF (§7.2: "servers should also accept CR LF").
///
/// Everything that could split or smuggle a response is a failure, never
/// repaired (SECURITY.md, CVE-2024-24795): field names must be tokens,
/// values carry no CR, LF or NUL, continuation lines are refused (§6.3),
/// CGI fields appear once, and the block has a size cap.
public struct CGIOutputParser: Sendable {
    public enum Action: Sendable, Equatable {
        /// The header block is not complete yet.
        case needMore
        /// The header block is complete; `body` holds the bytes after it.
        case head(CGIResponseHead, body: [UInt8])
        case failure(CGIOutputError)
    }

    public let maxHeaderBytes: Int
    /// Which field names the block may hold. Default `.strict`.
    public let names: CGIScriptHeaders
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var finished = false

    public init(maxHeaderBytes: Int = 32 * 1024, names: CGIScriptHeaders = .strict) {
        self.maxHeaderBytes = maxHeaderBytes
        self.names = names
    }

    /// A parser with a mount's rules.
    public init(rules: CGIHeaderRules) {
        self.init(maxHeaderBytes: rules.maxBytes, names: rules.names)
    }

    /// Adds bytes from the script's stdout. After `.head` or `.failure` the
    /// parser is done; feeding it again is a programming error.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Action {
        precondition(!finished, "CGIOutputParser fed after it finished")
        buffer.append(contentsOf: bytes)
        guard let end = blankLine() else {
            // The CR of a CR LF blank line may have come without its LF: the
            // block can still be `buffer.count - 1` bytes, so the verdict
            // must not depend on how the output was chunked.
            if buffer.count > maxHeaderBytes + 1 { return finish(.failure(.headerTooLarge(limit: maxHeaderBytes))) }
            return .needMore
        }
        if end.headerEnd > maxHeaderBytes { return finish(.failure(.headerTooLarge(limit: maxHeaderBytes))) }
        let result = CGIHeaderBlock.parse(buffer[..<end.headerEnd], names: names)
        switch result {
        case .success(let head): return finish(.head(head, body: Array(buffer[end.bodyStart...])))
        case .failure(let error): return finish(.failure(error))
        }
    }

    /// The script closed stdout. Returns the failure that describes why the
    /// output is not a response (no output at all, or a header block that
    /// never ended).
    public mutating func endOfOutput() -> CGIOutputError {
        finished = true
        return buffer.isEmpty ? .noOutput : .headerNotTerminated
    }

    private mutating func finish(_ action: Action) -> Action {
        finished = true
        buffer = []
        return action
    }

    /// Finds the empty line that ends the block: LF LF, or LF CR LF.
    private mutating func blankLine() -> (headerEnd: Int, bodyStart: Int)? {
        // A header block of no lines at all ("\n" first) is malformed; it is
        // found here and reported by the block parser as `noFields`.
        if buffer.first == 0x0A { return (0, 1) }
        if buffer.count >= 2, buffer[0] == 0x0D, buffer[1] == 0x0A { return (0, 2) }
        var index = max(scanned, 1)
        while index < buffer.count {
            if buffer[index] == 0x0A {
                let previous = buffer[index - 1]
                if previous == 0x0A { return (index, index + 1) }
                if previous == 0x0D, index >= 2, buffer[index - 2] == 0x0A { return (index - 1, index + 1) }
            }
            index += 1
        }
        scanned = max(1, buffer.count - 2)
        return nil
    }
}

/// Why a script's output is not a valid CGI response; each maps to 502.
public enum CGIOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case noOutput
    case headerNotTerminated
    case headerTooLarge(limit: Int)
    case noFields
    case malformedLine(String)
    case invalidFieldName(String)
    case invalidFieldValue(name: String)
    case continuationLine
    case duplicateField(String)
    case invalidStatus(String)
    /// A 1xx status: interim (RFC 9110 §15.2), never a script's final answer.
    case interimStatus(String)

    public var description: String {
        switch self {
        case .noOutput: "the script produced no output"
        case .headerNotTerminated: "the script's output ended inside its header block"
        case .headerTooLarge(let limit): "the script's header block exceeds \(limit) bytes"
        case .noFields: "the script's header block has no CGI field (Content-Type, Location or Status)"
        case .malformedLine(let line): "malformed header line \(line.debugDescription)"
        case .invalidFieldName(let name): "invalid header field name \(name.debugDescription)"
        case .invalidFieldValue(let name): "invalid characters in the value of header field \(name)"
        case .continuationLine: "continuation line in the header block (not allowed by RFC 3875 §6.3)"
        case .duplicateField(let name): "CGI field \(name) appears more than once"
        case .invalidStatus(let value): "invalid Status \(value.debugDescription)"
        case .interimStatus(let value):
            "Status \(value.debugDescription) is an interim 1xx status, which cannot end a response (RFC 9110 §15.2); a script answers 200 to 599"
        }
    }
}

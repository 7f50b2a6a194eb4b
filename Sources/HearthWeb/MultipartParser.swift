/// What the multipart parser found, in order: a part's head, its content in
/// pieces, its end.
enum MultipartEvent: Equatable {
    case partStart(MultipartPartHead)
    case data(ArraySlice<UInt8>)
    case partEnd
}

/// An incremental multipart/form-data parser (RFC 2046 §5.1.1, RFC 7578): a
/// state machine fed the body in whatever pieces it arrives. It holds only
/// what it cannot yet classify — a possible delimiter, an incomplete part
/// head — so the body is never in memory whole.
struct MultipartParser {
    private enum State { case preamble, headers, content, done }

    /// CRLF "--" boundary: a delimiter always starts a line (§5.1.1).
    private let delimiter: [UInt8]
    private let maxHeaderBytes: Int
    /// Starts with CRLF so a body that opens with "--boundary" (no
    /// preamble) matches like any other delimiter line.
    private var buffer: [UInt8] = [13, 10]
    private var start = 0
    private var headerScan = 0
    private var state = State.preamble

    /// nil when `boundary` is not 1 to 70 characters (§5.1.1).
    init?(boundary: String, maxHeaderBytes: Int) {
        guard (1...70).contains(boundary.utf8.count) else { return nil }
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.maxHeaderBytes = maxHeaderBytes
    }

    var isFinished: Bool { state == .done }

    mutating func feed(_ bytes: some Sequence<UInt8>, _ sink: (MultipartEvent) throws -> Void) throws {
        guard state != .done else { return }  // the epilogue is ignored (§5.1.1)
        buffer.append(contentsOf: bytes)
        while try step(sink) {}
        buffer.removeFirst(start)
        headerScan -= start
        start = 0
    }

    /// At the end of the body: the close delimiter must have been seen.
    func finish() throws {
        guard state == .done else { throw HearthError.badRequest("multipart body ends before its final boundary") }
    }

    /// One move of the machine; false when it needs more bytes.
    private mutating func step(_ sink: (MultipartEvent) throws -> Void) throws -> Bool {
        switch state {
        case .preamble, .content: return try scanContent(sink)
        case .headers: return try scanHeaders(sink)
        case .done: return false
        }
    }

    /// Content (or preamble) up to the next delimiter line. Bytes that could
    /// still begin a delimiter are held back; the rest goes to the sink.
    private mutating func scanContent(_ sink: (MultipartEvent) throws -> Void) throws -> Bool {
        var from = start
        while let found = buffer.firstRange(of: delimiter, from: from) {
            switch try delimiterKind(after: found) {
            case .notDelimiter:
                from = found + 1
                continue
            case .needMore:
                try emit(upTo: found, sink)
                return false
            case .close:
                try emit(upTo: found, sink)
                if state == .content { try sink(.partEnd) }
                state = .done
                start = buffer.count
                return false
            case .line(let next):
                try emit(upTo: found, sink)
                if state == .content { try sink(.partEnd) }
                state = .headers
                start = next
                headerScan = next
                return true
            }
        }
        try emit(upTo: max(start, buffer.count - delimiter.count + 1), sink)
        return false
    }

    private enum DelimiterKind { case notDelimiter, needMore, line(next: Int), close }

    /// What follows a delimiter match decides whether it is one (§5.1.1):
    /// "--" closes; optional space or tab then CRLF opens a part; anything
    /// else means the content merely looked like a boundary (Go's
    /// mime/multipart reads it the same way).
    private func delimiterKind(after found: Int) throws -> DelimiterKind {
        var index = found + delimiter.count
        guard index + 1 < buffer.count else { return .needMore }
        if buffer[index] == 45 && buffer[index + 1] == 45 { return .close }
        while index < buffer.count, buffer[index] == 32 || buffer[index] == 9 { index += 1 }
        guard index - found < delimiter.count + 256 else { throw HearthError.badRequest("multipart boundary followed by too much padding") }
        guard index + 1 < buffer.count else { return .needMore }
        return buffer[index] == 13 && buffer[index + 1] == 10 ? .line(next: index + 2) : .notDelimiter
    }

    private mutating func emit(upTo end: Int, _ sink: (MultipartEvent) throws -> Void) throws {
        if state == .content && end > start { try sink(.data(buffer[start..<end])) }
        start = max(start, end)
    }

    /// A part's header block, ended by an empty line (RFC 2046 §5.1.1; the
    /// block may be empty, then the first line is the empty one).
    private mutating func scanHeaders(_ sink: (MultipartEvent) throws -> Void) throws -> Bool {
        let end: Int
        if buffer.count - start >= 2 && buffer[start] == 13 && buffer[start + 1] == 10 {
            end = start
        } else if let found = buffer.firstRange(of: [13, 10, 13, 10], from: max(start, headerScan)) {
            end = found + 2
        } else {
            guard buffer.count - start <= maxHeaderBytes else { throw FormLimits.exceeded("maxPartHeaderBytes", maxHeaderBytes) }
            headerScan = max(start, buffer.count - 3)
            return false
        }
        guard end - start <= maxHeaderBytes else { throw FormLimits.exceeded("maxPartHeaderBytes", maxHeaderBytes) }
        let head = try MultipartPartHead(headerBlock: buffer[start..<end])
        start = end + 2
        state = .content
        try sink(.partStart(head))
        return true
    }
}

extension Array where Element == UInt8 {
    /// The first index at or after `from` where `pattern` occurs whole.
    func firstRange(of pattern: [UInt8], from: Int) -> Int? {
        guard let first = pattern.first, count - from >= pattern.count else { return nil }
        var index = from
        let last = count - pattern.count
        while index <= last {
            if self[index] == first && self[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}

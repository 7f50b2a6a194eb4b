/// Parses one complete header block (without its terminating blank line).
enum CGIHeaderBlock {
    static func parse(_ block: ArraySlice<UInt8>, names: CGIScriptHeaders = .strict) -> Result<CGIResponseHead, CGIOutputError> {
        var head = CGIResponseHead()
        for rawLine in block.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            if line.first == 0x20 || line.first == 0x09 { return .failure(.continuationLine) }
            switch parseField(line, names: names) {
            case .failure(let error): return .failure(error)
            case .success(let field) where !field.name.utf8.allSatisfy(HTTPToken.isTokenByte):
                // Lenient: a name Apache takes (cgitb's `<!--`) but that is
                // no HTTP token is read past, never written to the client.
                head.droppedNames.append(field.name)
            case .success(let field):
                if let error = absorb(field, into: &head) { return .failure(error) }
            }
        }
        if head.status == nil && head.contentType == nil && head.location == nil {
            return .failure(.noFields)  // §6.3: "At least one CGI field MUST be supplied"
        }
        return .success(head)
    }

    /// `name ":" [ws] value [ws]`; no whitespace before the colon (§6.3).
    static func parseField(_ line: ArraySlice<UInt8>, names: CGIScriptHeaders = .strict) -> Result<CGIField, CGIOutputError> {
        guard let colon = line.firstIndex(of: 0x3A) else {
            return .failure(.malformedLine(String(decoding: line.prefix(80), as: UTF8.self)))
        }
        let nameBytes = line[..<colon]
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard !nameBytes.isEmpty, nameBytes.allSatisfy(names.allowsNameByte) else { return .failure(.invalidFieldName(name)) }
        let valueBytes = trimmed(line[(colon + 1)...])
        // CR inside a line, NUL, or other controls but HTAB would split or
        // confuse the response downstream (CVE-2024-24795).
        guard valueBytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
            return .failure(.invalidFieldValue(name: name))
        }
        return .success(CGIField(name: name, value: String(decoding: valueBytes, as: UTF8.self)))
    }

    /// Stores a CGI field once (§6.3: "each CGI field MUST NOT appear more
    /// than once"); other fields keep their order. §6.3: a NULL value is a
    /// field not sent.
    static func absorb(_ field: CGIField, into head: inout CGIResponseHead) -> CGIOutputError? {
        if field.value.isEmpty { return nil }
        switch field.name.lowercased() {
        case "status":
            guard head.status == nil else { return .duplicateField("Status") }
            guard let status = parseStatus(field.value) else { return .invalidStatus(field.value) }
            // §6.3.3 names the response's status: the final one. A 1xx sent
            // as final would hang the client or, as 101, switch a proxy in
            // front into tunnel mode (RFC 9110 §15.2).
            guard status.code >= 200 else { return .interimStatus(field.value) }
            head.status = status
        case "content-type":
            guard head.contentType == nil else { return .duplicateField("Content-Type") }
            head.contentType = field.value
        case "location":
            guard head.location == nil else { return .duplicateField("Location") }
            head.location = field.value
        default:
            head.fields.append(field)
        }
        return nil
    }

    /// §6.3.3: `3digit SP reason-phrase`; the reason may be missing.
    static func parseStatus(_ value: String) -> CGIStatus? {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 3, utf8[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), utf8[0] != 0x30 else { return nil }
        guard utf8.count == 3 || utf8[3] == 0x20 || utf8[3] == 0x09 else { return nil }
        let code = Int(String(decoding: utf8[0...2], as: UTF8.self))!
        guard (100...599).contains(code) else { return nil }
        let reason = String(decoding: trimmed(utf8[3...]), as: UTF8.self)
        return CGIStatus(code: code, reason: reason)
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}

/// Which field names a script's header block may hold.
public enum CGIScriptHeaders: String, Sendable, Equatable {
    /// RFC 9110 tokens only (§5.6.2); anything else is a 502. Default.
    case strict
    /// What Apache takes: its script-header scanner
    /// (`ap_scan_script_header_err_core`) splits a line at its first colon
    /// whatever precedes it, and its response-header check under
    /// `HttpProtocolOptions Unsafe` then wants only visible ASCII and
    /// obs-text in the name (`ap_scan_vchar_obstext`). So a name is 1+
    /// bytes of 0x21–0x7E or 0x80–0xFF: still no space, tab, control, DEL
    /// or colon. A field whose name is no token is dropped, not relayed.
    /// Values, continuation lines, CGI fields twice, framing fields and
    /// the size cap are held to the strict rules.
    case lenient

    func allowsNameByte(_ byte: UInt8) -> Bool {
        switch self {
        case .strict: HTTPToken.isTokenByte(byte)
        case .lenient: (0x21...0x7E).contains(byte) && byte != 0x3A || byte >= 0x80
        }
    }
}

/// How a mount reads its scripts' header blocks.
public struct CGIHeaderRules: Sendable, Equatable {
    /// Largest header block. Default 32 KiB.
    public var maxBytes: Int
    /// Default `.strict`.
    public var names: CGIScriptHeaders

    public init(maxBytes: Int = 32 * 1024, names: CGIScriptHeaders = .strict) {
        self.maxBytes = maxBytes
        self.names = names
    }
}

/// RFC 9110 §5.6.2 tokens: the only bytes allowed in a field name.
public enum HTTPToken {
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }
}

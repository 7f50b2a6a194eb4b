extension CGIEnvironmentBuilder {
    /// Header fields that become no HTTP_* variable, and why.
    static let withheldHeaders: Set<String> = [
        "proxy",  // httpoxy (CVE-2016-5385): HTTP_PROXY would steer the script's own HTTP client
        "content-length", "content-type",  // §4.1.18: available as CONTENT_LENGTH / CONTENT_TYPE
        "authorization", "proxy-authorization",  // §4.1.18: carries credentials
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",  // hop-by-hop
    ]

    /// §4.1.18: each header becomes HTTP_ + upper-cased name with "-" → "_".
    /// Repeated fields are joined into one value of the same meaning: ", "
    /// in general, "; " for Cookie (RFC 6265 §5.4).
    static func addHeaderVariables(
        _ headers: [(name: String, value: String)],
        policy: CGIEnvironmentPolicy,
        authenticated: Bool,
        into env: inout CGIVariables
    ) {
        var joined: [(name: String, value: String)] = []
        var indexByName: [String: Int] = [:]
        for header in headers {
            guard let variable = variableName(for: header.name, policy: policy, authenticated: authenticated) else {
                continue
            }
            guard header.value.utf8.count <= policy.maxHeaderValueLength else { continue }
            let value = singleLine(header.value)
            if let index = indexByName[variable] {
                let separator = variable == "HTTP_COOKIE" ? "; " : ", "
                joined[index].value += separator + value
            } else {
                indexByName[variable] = joined.count
                joined.append((variable, value))
            }
        }
        for variable in joined { env.set(variable.name, variable.value) }
    }

    /// The HTTP_* name for a header, or nil when it must not be exported.
    /// Only names of `[A-Za-z0-9-]` pass: `X_Forwarded_For` would otherwise
    /// spoof `X-Forwarded-For` (SECURITY.md).
    static func variableName(for header: String, policy: CGIEnvironmentPolicy, authenticated: Bool) -> String? {
        let lower = header.lowercased()
        if lower == "authorization" {
            // Never when the server authenticated the request itself (SECURITY.md).
            guard policy.passAuthorization, !authenticated else { return nil }
        } else if withheldHeaders.contains(lower) {
            return nil
        }
        guard !header.isEmpty, header.utf8.allSatisfy(isNameByte) else { return nil }
        return "HTTP_" + String(decoding: header.utf8.map(variableByte), as: UTF8.self)
    }

    /// §4.1.18: "a header field that spans multiple lines MUST be merged onto
    /// a single line"; a value never carries CR, LF or NUL into the environment.
    static func singleLine(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return value }
        return String(decoding: value.utf8.map { $0 == 13 || $0 == 10 || $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
    }

    private static func variableByte(_ byte: UInt8) -> UInt8 {
        if byte == 0x2D { return 0x5F }  // "-" → "_"
        if byte >= 0x61 && byte <= 0x7A { return byte - 32 }
        return byte
    }
}

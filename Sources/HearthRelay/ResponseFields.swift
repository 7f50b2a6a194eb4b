import HearthCGI
import NIOHTTP1

/// Turns a script's header fields into the response's (RFC 3875 §6.3.4:
/// "The server MUST translate the header data from the CGI header syntax to
/// the HTTP header syntax").
package enum ResponseFields {
    package struct Invalid: Error { package var reason: String }

    /// Fields that would let a script take over framing (SECURITY.md,
    /// "framing confusion"); §6.3.4: a script MUST NOT send them.
    static let dropped: Set<String> = [
        "connection", "transfer-encoding", "keep-alive", "te", "trailer", "upgrade", "proxy-connection",
    ]

    package static func headers(from fields: [CGIField]) -> Result<HTTPHeaders, Invalid> {
        var headers = HTTPHeaders()
        var contentLength: String?
        for field in fields {
            let name = field.name.lowercased()
            if dropped.contains(name) || name.hasPrefix("x-cgi-") { continue }  // §6.3.5: X-CGI- are ours to drop
            if name == "content-length" {
                guard !field.value.isEmpty, field.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(Invalid(reason: "invalid Content-Length \(field.value.debugDescription)"))
                }
                if let previous = contentLength, previous != field.value {
                    return .failure(Invalid(reason: "conflicting Content-Length values"))
                }
                if contentLength != nil { continue }
                contentLength = field.value
            }
            headers.add(name: field.name, value: field.value)
        }
        return .success(headers)
    }
}

import NIOCore
import NIOHTTP1

/// Serializes a response head and decides its framing.
enum ResponseHead {
    /// Fields a responder may not set: the server frames the message itself
    /// (SECURITY.md, "framing confusion").
    static let serverOwnedFields: [String] = [
        "connection", "transfer-encoding", "keep-alive", "te", "trailer", "upgrade", "proxy-connection",
    ]

    static func framing(status: HTTPResponseStatus, headers: HTTPHeaders, request: HTTPRequestHead) -> BodyFraming {
        let code = status.code
        if request.method == .HEAD || code < 200 || code == 204 || code == 304 {
            return declaredLength(headers).map { _ in BodyFraming.none } ?? .none
        }
        if let length = declaredLength(headers) { return .length(length) }
        return request.version >= .http1_1 ? .chunked : .untilClose
    }

    /// A single, all-digit `Content-Length`; anything else is ignored.
    static func declaredLength(_ headers: HTTPHeaders) -> Int? {
        // The common case without splitting the field into a new array.
        let raw = headers["content-length"]
        if raw.count == 1, let length = digitsOnly(raw[0]) { return length }
        let values = headers[canonicalForm: "content-length"]
        guard let first = values.first, values.allSatisfy({ $0 == first }) else { return nil }
        return digitsOnly(String(first))
    }

    private static func digitsOnly(_ value: String) -> Int? {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(value)
    }

    static func serialize(status: HTTPResponseStatus, reasonPhrase: String, headers: HTTPHeaders, framing: BodyFraming, exchange: Exchange) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(256)
        out.writeStaticString("HTTP/1.1 ")
        out.writeString(String(status.code))
        out.writeStaticString(" ")
        out.writeString(reasonPhrase)
        out.writeStaticString("\r\n")
        var sawDate = false, sawServer = false, sawLength = false
        for (name, value) in headers {
            // Compared without lower-casing a copy of every name: this runs
            // for every field of every response.
            if serverOwnedFields.contains(where: { FieldName.equal(name, $0) }) { continue }
            // The server's own id of the request goes out, once.
            if FieldName.equal(name, "x-request-id") { continue }
            if FieldName.equal(name, "content-length") {
                sawLength = true
                if case .length = framing {} else if exchange.requestHead.method != .HEAD { continue }
            }
            sawDate = sawDate || FieldName.equal(name, "date")
            sawServer = sawServer || FieldName.equal(name, "server")
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        if !sawDate { out.writeStaticString("Date: "); out.writeString(HTTPDate.now()); out.writeStaticString("\r\n") }
        if !sawServer { out.writeStaticString("Server: "); out.writeString(exchange.serverSoftware); out.writeStaticString("\r\n") }
        out.writeStaticString("X-Request-Id: "); out.writeString(exchange.requestID); out.writeStaticString("\r\n")
        if !exchange.listenerFields.isEmpty { out.writeString(exchange.listenerFields) }
        if case .length(let length) = framing, !sawLength {
            out.writeStaticString("Content-Length: "); out.writeString(String(length)); out.writeStaticString("\r\n")
        }
        if framing == .chunked { out.writeStaticString("Transfer-Encoding: chunked\r\n") }
        if !exchange.keepAlive {
            out.writeStaticString("Connection: close\r\n")
        } else if exchange.requestHead.version < .http1_1 {
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }
}

/// Field names compare case-insensitively (RFC 9110 §5.1).
enum FieldName {
    /// `name` equals `lowercased`, which must be lower-case ASCII.
    static func equal(_ name: String, _ lowercased: String) -> Bool {
        name.utf8.count == lowercased.utf8.count
            && zip(name.utf8, lowercased.utf8).allSatisfy { ($0 | ($0 >= 0x41 && $0 <= 0x5A ? 0x20 : 0)) == $1 }
    }
}

extension HTTPVersion: @retroactive Comparable {
    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

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

    /// A body up to this size gets room in the head's buffer (a static
    /// file's `smallBodyLimit`, a short page).
    static let smallBody = 16 * 1024

    static func serialize(status: HTTPResponseStatus, reasonPhrase: String, headers: HTTPHeaders, framing: BodyFraming, exchange: Exchange) -> ByteBuffer {
        var out = ByteBuffer()
        // The head waits for the body's first bytes (`PendingHead`): room
        // for a small body spares a reallocation when it joins.
        var room = 0
        if case .length(let length) = framing, length <= smallBody { room = length }
        out.reserveCapacity(256 + room)
        out.writeStaticString("HTTP/1.1 ")
        // A status code has three digits (RFC 9110 §15).
        let code = Int(status.code)
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 100 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 10 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code % 10))
        out.writeStaticString(" ")
        out.writeString(reasonPhrase)
        out.writeStaticString("\r\n")
        forEachField(headers, framing: framing, exchange: exchange) { name, value in
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
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

    /// The same head for an HTTP/2 stream: the same fields, but no reason
    /// phrase (RFC 9113 §8.3.2 has only `:status`) and no framing or
    /// connection fields, which HTTP/2 forbids (§8.2.2): the stream's
    /// END_STREAM ends the body. The stream's codec lower-cases the names.
    static func http2(status: HTTPResponseStatus, headers: HTTPHeaders, framing: BodyFraming, exchange: Exchange) -> HTTPResponseHead {
        var fields = HTTPHeaders()
        forEachField(headers, framing: framing, exchange: exchange) { fields.add(name: $0, value: $1) }
        return HTTPResponseHead(version: exchange.requestHead.version, status: status, headers: fields)
    }

    /// Every field that goes out with a response, in order: the
    /// responder's (less the server-owned ones), then `Date`, `Server`,
    /// the request id, the listener's own (HSTS) and `Content-Length`.
    private static func forEachField(_ headers: HTTPHeaders, framing: BodyFraming, exchange: Exchange, _ emit: (String, String) -> Void) {
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
            emit(name, value)
        }
        if !sawDate { emit("Date", HTTPDate.now()) }
        if !sawServer { emit("Server", exchange.serverSoftware) }
        emit("X-Request-Id", exchange.requestID)
        for field in exchange.listenerFields { emit(field.name, field.value) }
        if case .length(let length) = framing, !sawLength { emit("Content-Length", String(length)) }
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

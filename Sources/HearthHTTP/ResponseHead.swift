import NIOCore
import NIOHTTP1

/// Serializes a response head and decides its framing.
enum ResponseHead {
    /// Fields a responder may not set: the server frames the message itself
    /// (SECURITY.md, "framing confusion").
    static let serverOwnedFields: Set<String> = [
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
        let values = headers[canonicalForm: "content-length"]
        guard let first = values.first, values.allSatisfy({ $0 == first }),
              !first.isEmpty, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(first)
    }

    static func serialize(status: HTTPResponseStatus, reasonPhrase: String, headers: HTTPHeaders, framing: BodyFraming, exchange: Exchange) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(256)
        out.writeString("HTTP/1.1 \(status.code) \(reasonPhrase)\r\n")
        var sawDate = false, sawServer = false
        for (name, value) in headers {
            let lower = name.lowercased()
            if serverOwnedFields.contains(lower) { continue }
            if lower == "content-length" {
                if case .length = framing {} else if exchange.requestHead.method != .HEAD { continue }
            }
            sawDate = sawDate || lower == "date"
            sawServer = sawServer || lower == "server"
            out.writeString("\(name): \(value)\r\n")
        }
        if !sawDate { out.writeString("Date: \(HTTPDate.now())\r\n") }
        if !sawServer { out.writeString("Server: \(exchange.serverSoftware)\r\n") }
        if case .length(let length) = framing, headers[canonicalForm: "content-length"].isEmpty {
            out.writeString("Content-Length: \(length)\r\n")
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

extension HTTPVersion: @retroactive Comparable {
    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

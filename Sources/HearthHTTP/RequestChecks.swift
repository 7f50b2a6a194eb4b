#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1

extension HTTPResponseStatus {
    /// The refusals that leave a request's body unread and untrusted.
    var refusesTheBody: Bool {
        [.payloadTooLarge, .lengthRequired, .badRequest, .requestHeaderFieldsTooLarge].contains(self)
    }
}

/// Errors that mean the client's connection is gone.
enum ClientGone {
    static func explains(_ error: any Error) -> Bool {
        if let error = error as? ChannelError {
            return [.ioOnClosedChannel, .alreadyClosed, .outputClosed, .eof].contains(error)
        }
        if let error = error as? IOError { return [EPIPE, ECONNRESET].contains(error.errnoCode) }
        return error is NIOAsyncWriterError
    }
}

/// RFC 9112 §3.2.2: "A server MUST accept the absolute-form in requests";
/// `http://host/path?q` is served as `/path?q`, and the target's authority
/// replaces the Host field ("the server MUST ignore the received Host").
enum RequestTarget {
    static func normalize(_ head: inout HTTPRequestHead) {
        guard !head.uri.hasPrefix("/"), let (authority, rest) = split(head.uri) else { return }
        head.uri = rest
        head.headers.replaceOrAdd(name: "Host", value: authority)
    }

    /// `(authority, origin-form)` of an absolute-form target, or nil.
    static func split(_ target: String) -> (String, String)? {
        let lower = target.prefix(8).lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return nil }
        let afterScheme = target.dropFirst(schemeLength)
        let pathStart = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let authority = String(afterScheme[..<pathStart])
        let rest = afterScheme[pathStart...]
        guard !authority.isEmpty else { return nil }
        return (authority, rest.hasPrefix("/") ? String(rest) : "/" + rest)
    }
}

/// Checks on a request head that the decoder does not make.
enum HeadValidation {
    /// One Host field with one value. The common case (one field, no
    /// comma) is answered without splitting the field into a new array.
    static func hasExactlyOneHost(_ headers: HTTPHeaders) -> Bool {
        let raw = headers["host"]
        if raw.count == 1, !raw[0].isEmpty, !raw[0].utf8.contains(UInt8(ascii: ",")) { return true }
        return headers[canonicalForm: "host"].count == 1
    }

    static func check(_ head: HTTPRequestHead, configuration: HTTPServerConfiguration) -> HTTPError? {
        if head.headers.count > configuration.maxHeaderCount {
            return HTTPError(.requestHeaderFieldsTooLarge, "\(head.headers.count) header fields, limit \(configuration.maxHeaderCount)")
        }
        let size = head.uri.utf8.count + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if size > configuration.maxHeaderBytes {
            return HTTPError(.requestHeaderFieldsTooLarge, "request head of \(size) bytes, limit \(configuration.maxHeaderBytes)")
        }
        // RFC 9112 §6.3: both framings at once is how requests are smuggled.
        if head.headers.contains(name: "transfer-encoding") && head.headers.contains(name: "content-length") {
            return HTTPError(.badRequest, "both Content-Length and Transfer-Encoding")
        }
        if head.headers.contains(name: "transfer-encoding"), case let codings = head.headers[canonicalForm: "transfer-encoding"], !codings.isEmpty {
            // RFC 9112 §6.3 (4): without chunked last, the body length cannot
            // be determined; the server MUST answer 400 and close.
            guard codings.last?.lowercased() == "chunked" else {
                return HTTPError(.badRequest, "Transfer-Encoding does not end in chunked: \(codings.joined(separator: ", "))")
            }
            // RFC 9112 §6.1: other codings are not implemented here.
            if codings.count > 1 {
                return HTTPError(.notImplemented, "unsupported Transfer-Encoding: \(codings.joined(separator: ", "))")
            }
        }
        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without exactly one Host.
        if head.version >= .http1_1 && !hasExactlyOneHost(head.headers) {
            return HTTPError(.badRequest, "HTTP/1.1 request without exactly one Host field")
        }
        if let host = head.headers.first(name: "host"), !HostField.isValid(host) {
            return HTTPError(.badRequest, "invalid Host \(host.debugDescription)")
        }
        if !head.uri.hasPrefix("/") && head.method != .OPTIONS {
            return HTTPError(.badRequest, "request target is not an absolute path: \(head.uri)")
        }
        return nil
    }
}

/// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status
/// code to any request message that contains ... a Host header field with
/// an invalid field-value." Checked in this one place for the Host field and
/// the authority of an absolute-form target alike (which replaces Host), so
/// SERVER_NAME (RFC 3875 §4.1.14: a hostname or an address) never carries
/// `a b/../c;$(id)` or a userinfo's `user` into a script.
enum HostField {
    /// `host [":" port]`: a reg-name of letters, digits, `-`, `.` and `_`
    /// (RFC 3875 §4.1.14's hostname, with the underscore real names use),
    /// an IPv4 address (a reg-name by that rule), or a bracketed IPv6
    /// address; the port at most 65535.
    static func isValid(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { return false }
        var host = bytes[...], port: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return false }
            host = bytes[1..<close]
            guard isIPv6(host) else { return false }
            let rest = bytes[(close + 1)...]
            guard rest.isEmpty || rest.first == UInt8(ascii: ":") else { return false }
            port = rest.dropFirst()
        } else {
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
                host = bytes[..<colon]
                port = bytes[(colon + 1)...]
            }
            guard !host.isEmpty, host.allSatisfy(isNameByte) else { return false }
        }
        return isPort(port)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"): true
        default: false
        }
    }

    private static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x46, 0x61...0x66, UInt8(ascii: ":"), UInt8(ascii: "."): true
            default: false
            }
        }
    }

    /// RFC 3986 §3.2.3: `port = *DIGIT`, so an empty port is allowed; a
    /// TCP port is at most 65535.
    private static func isPort(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count <= 5, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return bytes.isEmpty || Int(String(decoding: bytes, as: UTF8.self))! <= 65535
    }
}

/// A request head taken as the connection takes one (`HTTPConnection`):
/// an absolute-form target normalized, then the same checks. For `hearth
/// explain`, whose request comes from a command line.
public enum RequestHeadRules {
    public static func accept(_ head: inout HTTPRequestHead, configuration: HTTPServerConfiguration) throws(HTTPError) {
        RequestTarget.normalize(&head)
        if let error = HeadValidation.check(head, configuration: configuration) { throw error }
    }

    /// An HTTP/1.1 request with no body, made from its parts and accepted
    /// as above.
    public static func request(
        method: String, target: String, headers: [(String, String)], connection: ConnectionInfo, configuration: HTTPServerConfiguration
    ) throws(HTTPError) -> Request {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target, headers: HTTPHeaders(headers))
        try accept(&head, configuration: configuration)
        return Request(head: head, body: .empty, connection: connection)
    }
}

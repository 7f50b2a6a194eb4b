import Foundation

/// A response as it came off the wire, parsed by the suite itself (it
/// shares no code with any server).
public struct WireResponse: Sendable, Equatable {
    /// Everything received, interim responses included.
    public var raw: [UInt8]
    public var statusLine: String
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The server closed the connection (EOF seen).
    public var closed: Bool
    /// Every line of the head ended in CR LF, as HTTP/1.1 requires.
    public var headUsesCRLF: Bool = true

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.raw == rhs.raw && lhs.closed == rhs.closed
    }
}

/// Decides whether the bytes received so far hold a complete final
/// response, and parses it: interim 1xx responses are skipped; the body is
/// delimited by Content-Length, chunked coding, or the end of the
/// connection (RFC 9112 §6.3).
enum WireResponseParser {
    enum Outcome {
        case incomplete
        case complete(WireResponse)
        case malformed(String)
    }

    static func parse(_ bytes: [UInt8], closed: Bool, isHead: Bool) -> Outcome {
        var start = 0
        while true {
            guard let (headEnd, bodyStart) = headEnd(in: bytes, from: start) else {
                return closed ? .malformed(bytes.isEmpty ? "no response at all" : "connection closed inside the response head") : .incomplete
            }
            let usesCRLF = !bytes[start..<bodyStart].enumerated().contains { $0.element == 10 && ($0.offset == 0 || bytes[start + $0.offset - 1] != 13) }
            // Split on LF bytes: in a Swift String "\r\n" is one Character.
            let lines = bytes[start..<headEnd].split(separator: 10, omittingEmptySubsequences: false).map { line in
                String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            let parts = lines[0].split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                return .malformed("not an HTTP status line: \(lines[0].prefix(80).debugDescription)")
            }
            if (100..<200).contains(status) { start = bodyStart; continue }
            let headers = lines.dropFirst().compactMap(field)
            var response = WireResponse(raw: bytes, statusLine: lines[0], status: status, headers: headers, body: [], closed: closed, headUsesCRLF: usesCRLF)
            guard let body = body(bytes, from: bodyStart, response: response, closed: closed, isHead: isHead) else { return .incomplete }
            response.body = body
            return .complete(response)
        }
    }

    /// Where the head ends: the first empty line, CR LF or bare LF (RFC
    /// 9112 §2.2 lets a recipient accept a bare LF; whether a server sent
    /// one is reported, not refused). Returns (end of the head, body start).
    static func headEnd(in bytes: [UInt8], from start: Int) -> (Int, Int)? {
        var index = start
        while index < bytes.count {
            if bytes[index] == 10 {
                let next = index + 1
                if next < bytes.count, bytes[next] == 10 { return (index, next + 1) }
                if next + 1 < bytes.count, bytes[next] == 13, bytes[next + 1] == 10 { return (index, next + 2) }
                if index == start { return (start, start + 1) }
            }
            index += 1
        }
        return nil
    }

    private static func field(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    private static func body(_ bytes: [UInt8], from start: Int, response: WireResponse, closed: Bool, isHead: Bool) -> [UInt8]? {
        // A HEAD answer has no body; read to the close, whatever follows the
        // head is a body that leaked (RFC 3875 §4.3.3) and is shown as one.
        if isHead { return closed ? Array(bytes[start...]) : [] }
        if response.status == 204 || response.status == 304 { return [] }
        if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            return dechunk(bytes, from: start) ?? (closed ? Array(bytes[start...]) : nil)
        }
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            if bytes.count - start >= length { return Array(bytes[start..<(start + length)]) }
            return closed ? Array(bytes[start...]) : nil
        }
        return closed ? Array(bytes[start...]) : nil
    }

    /// The de-chunked body, or nil while the last chunk has not arrived.
    static func dechunk(_ bytes: [UInt8], from start: Int) -> [UInt8]? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            index = lineEnd + 2
            if size == 0 { return find([13, 10], in: bytes, from: index) == nil ? nil : body }
            guard bytes.count >= index + size + 2 else { return nil }
            body += bytes[index..<(index + size)]
            index += size + 2
        }
    }

    static func find(_ marker: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= marker.count, start <= bytes.count - marker.count else { return nil }
        for index in start...(bytes.count - marker.count) where bytes[index] == marker[0] {
            if bytes[index..<(index + marker.count)].elementsEqual(marker) { return index }
        }
        return nil
    }
}

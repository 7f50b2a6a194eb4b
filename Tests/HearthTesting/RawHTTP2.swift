/// HTTP/2 frames written and read by hand (RFC 9113 §4, §6), for tests that
/// must send what no well-behaved client would: a flood of CONTINUATION
/// frames, streams opened and reset at once, a window never reopened. It
/// shares no code with the server (nor with swift-nio-http2): the header
/// block is HPACK's plainest form, literal fields without indexing and
/// without Huffman coding (RFC 7541 §6.2.2).
public enum RawHTTP2 {
    public static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    public enum FrameType: UInt8, Sendable {
        case data = 0, headers = 1, priority = 2, rstStream = 3, settings = 4, pushPromise = 5, ping = 6, goAway = 7, windowUpdate = 8, continuation = 9
    }

    public static let endStream: UInt8 = 0x1
    public static let endHeaders: UInt8 = 0x4
    public static let ack: UInt8 = 0x1

    public static func frame(_ type: FrameType, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type.rawValue, flags] + be32(stream & 0x7FFF_FFFF) + payload
    }

    public static func settings(_ values: [(id: UInt16, value: UInt32)] = []) -> [UInt8] {
        frame(.settings, values.flatMap { [UInt8($0.id >> 8), UInt8($0.id & 0xFF)] + be32($0.value) })
    }

    public static func headers(stream: UInt32, _ fields: [(String, String)], endStream: Bool = true, endHeaders: Bool = true) -> [UInt8] {
        frame(.headers, flags: (endStream ? Self.endStream : 0) | (endHeaders ? Self.endHeaders : 0), stream: stream, block(fields))
    }

    /// A GET's header block fields for `path`.
    public static func get(_ path: String, method: String = "GET", authority: String = "localhost") -> [(String, String)] {
        [(":method", method), (":scheme", "http"), (":authority", authority), (":path", path)]
    }

    public static func data(stream: UInt32, _ bytes: [UInt8], endStream: Bool = false) -> [UInt8] {
        frame(.data, flags: endStream ? Self.endStream : 0, stream: stream, bytes)
    }

    public static func rstStream(stream: UInt32, code: UInt32 = 0x8) -> [UInt8] {
        frame(.rstStream, stream: stream, be32(code))
    }

    public static func windowUpdate(stream: UInt32, increment: UInt32) -> [UInt8] {
        frame(.windowUpdate, stream: stream, be32(increment))
    }

    /// HPACK: each field as a literal without indexing, new name.
    public static func block(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            out.append(0)
            out += string(name)
            out += string(value)
        }
        return out
    }

    /// RFC 7541 §5.2, H = 0: the length as a 7-bit-prefix integer (§5.1).
    static func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var length = bytes.count
        if length < 127 {
            out.append(UInt8(length))
        } else {
            out.append(127)
            length -= 127
            while length >= 128 {
                out.append(UInt8(length % 128 + 128))
                length /= 128
            }
            out.append(UInt8(length))
        }
        return out + bytes
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// One frame as read.
public struct RawFrame: Sendable, CustomStringConvertible {
    public let type: UInt8
    public let flags: UInt8
    public let stream: UInt32
    public let payload: [UInt8]

    public var isGoAway: Bool { type == RawHTTP2.FrameType.goAway.rawValue }

    /// A GOAWAY's or RST_STREAM's error code (RFC 9113 §7).
    public var errorCode: UInt32? {
        switch type {
        case RawHTTP2.FrameType.goAway.rawValue where payload.count >= 8: Self.be32(payload[4...])
        case RawHTTP2.FrameType.rstStream.rawValue where payload.count >= 4: Self.be32(payload[0...])
        default: nil
        }
    }

    /// A SETTINGS frame's values by identifier.
    public var settings: [UInt16: UInt32] {
        guard type == RawHTTP2.FrameType.settings.rawValue else { return [:] }
        var values: [UInt16: UInt32] = [:]
        var offset = 0
        while offset + 6 <= payload.count {
            values[UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])] = Self.be32(payload[(offset + 2)...])
            offset += 6
        }
        return values
    }

    public var description: String { "frame(type \(type), flags \(flags), stream \(stream), \(payload.count) bytes\(errorCode.map { ", error \($0)" } ?? ""))" }

    public static func be32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let start = bytes.startIndex
        return UInt32(bytes[start]) << 24 | UInt32(bytes[start + 1]) << 16 | UInt32(bytes[start + 2]) << 8 | UInt32(bytes[start + 3])
    }
}

extension RawConnection {
    /// The next frame; throws when the connection ends first.
    public func readFrame() async throws -> RawFrame {
        let head = try await read(exactly: 9)
        let length = Int(head[0]) << 16 | Int(head[1]) << 8 | Int(head[2])
        let payload = length > 0 ? try await read(exactly: length) : []
        return RawFrame(type: head[3], flags: head[4], stream: RawFrame.be32(head[5...]) & 0x7FFF_FFFF, payload: payload)
    }

    /// Frames until one matches `last` (included) or the connection ends.
    public func readFrames(until last: (RawFrame) -> Bool) async -> [RawFrame] {
        var frames: [RawFrame] = []
        while let frame = try? await readFrame() {
            frames.append(frame)
            if last(frame) { break }
        }
        return frames
    }

    /// The DATA of `stream` until it ends (or the connection does).
    public func readBody(stream: UInt32) async -> [UInt8] {
        var body: [UInt8] = []
        _ = await readFrames { frame in
            if frame.type == RawHTTP2.FrameType.data.rawValue, frame.stream == stream { body += frame.payload }
            return frame.stream == stream && frame.flags & RawHTTP2.endStream != 0
        }
        return body
    }

    /// The client's side of the opening (RFC 9113 §3.4): the preface and
    /// an empty SETTINGS, then the server's SETTINGS, acknowledged so that
    /// they apply. Returns the server's settings.
    public func openHTTP2() async throws -> [UInt16: UInt32] {
        try await send(RawHTTP2.preface + RawHTTP2.settings())
        let frames = await readFrames { $0.type == RawHTTP2.FrameType.settings.rawValue && $0.flags & RawHTTP2.ack == 0 }
        guard let settings = frames.last, settings.type == RawHTTP2.FrameType.settings.rawValue else {
            throw RawClientError.malformed("no SETTINGS from the server: \(frames)")
        }
        try await send(RawHTTP2.frame(.settings, flags: RawHTTP2.ack))
        return settings.settings
    }
}

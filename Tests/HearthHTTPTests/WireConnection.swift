@testable import HearthHTTP
import HearthTesting
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// One HTTP/1.1 connection served by the real `HTTPConnection` on a
/// `NIOAsyncTestingChannel` (NIO's `EmbeddedChannel` for async code), with
/// the pipeline `ProtocolSetup` builds for a real socket: the test writes
/// the client's bytes and reads the server's, byte for byte, with no
/// socket and no timing in between.
final class WireConnection: Sendable {
    let channel: NIOAsyncTestingChannel
    private let served: Task<Void, Never>

    init(responder: some Responder, configuration: HTTPServerConfiguration = HTTPServerConfiguration(), logger: Logger = WireConnection.quiet) async throws {
        let channel = NIOAsyncTestingChannel()
        self.channel = channel
        try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40000)).get()
        let io = ConnectionIO(eventLoop: channel.eventLoop)
        try await channel.testingEventLoop.executeInContext {
            let setup = ProtocolSetup(channel: channel, io: io, http2: HTTP2Pipeline(configuration: configuration, logger: logger))
            try setup.addHTTP1()
        }
        let context = HTTPServer.Context(
            configuration: configuration, responder: responder, logger: logger, accessLog: nil, accessLogFormat: .combined,
            registry: ConnectionRegistry(), httpsPort: HTTPSPort(), observer: nil
        )
        let connection = AcceptedConnection(channel: channel, io: io, listener: HTTPListener(), session: nil)
        served = Task { await HTTPConnection(connection: connection, context: context).run() }
    }

    static let quiet = Logger(label: "wire") { _ in SwiftLogNoOpLogHandler() }

    /// The client's bytes, as one read of the socket.
    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// The client shuts its sending side (`shutdown(SHUT_WR)`). What a
    /// socket channel does on that FIN: with `allowRemoteHalfClosure` it
    /// tells the pipeline its input closed and may still write; without,
    /// it closes the connection.
    func halfClose() async {
        if channel.allowRemoteHalfClosure {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            channel.close(promise: nil)
        }
        await channel.testingEventLoop.run()
    }

    /// The client half-closes with nothing more to ask: the server ends the
    /// connection without writing anything more.
    func clientLeaves() async -> Bool {
        await halfClose()
        let silent = await bytesUntilClose().isEmpty
        return await servingEnded() && silent
    }

    /// Everything the server writes from now until it closes the connection.
    func bytesUntilClose() async -> String {
        var text = ""
        while let chunk = await nextWrite() { text += chunk }
        return text
    }

    /// The server's next response, read from its writes as a client would
    /// (by Content-Length, chunked framing, or a status without a body).
    func response(toHead: Bool = false) async throws -> WireResponse {
        var pending = leftover
        while true {
            if let (response, rest) = WireResponse.parse(pending, toHead: toHead) {
                leftover = rest
                return response
            }
            guard let chunk = await nextWrite() else { throw RawClientError.malformed("closed inside a response: \(pending.debugDescription)") }
            pending += chunk
        }
    }

    /// Whether the server has closed the connection, once its task ended
    /// (the close it asked for runs on the loop's queue first).
    func servingEnded() async -> Bool {
        await served.value
        await channel.testingEventLoop.run()
        return !channel.isActive
    }

    private nonisolated(unsafe) var leftover = ""

    private func nextWrite() async -> String? {
        while true {
            guard let data = try? await channel.waitForOutboundWrite(as: IOData.self) else { return nil }
            guard case .byteBuffer(let buffer) = data else { return "<file region>" }
            if buffer.readableBytes > 0 { return String(buffer: buffer) }
        }
    }
}

/// A response as the bytes on the wire framed it.
struct WireResponse {
    var head: RawResponse
    /// The body exactly as sent: chunk sizes and the last chunk included.
    var framedBody: String
    /// The body after framing is removed.
    var body: String

    var status: Int { head.status }
    func header(_ name: String) -> String? { head.header(name) }

    /// The first response in `text` and what follows it, or nil while it
    /// is incomplete.
    static func parse(_ text: String, toHead: Bool) -> (WireResponse, String)? {
        let bytes = Array(text.utf8)
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else { return nil }
        let head = RawResponse(headText: String(decoding: bytes[..<headEnd], as: UTF8.self))
        let rest = Array(bytes[(headEnd + 4)...])
        let bodyless = toHead || head.status < 200 || head.status == 204 || head.status == 304
        if bodyless { return (WireResponse(head: head, framedBody: "", body: ""), String(decoding: rest, as: UTF8.self)) }
        if let length = head.header("content-length").flatMap({ Int($0) }) {
            guard rest.count >= length else { return nil }
            let body = String(decoding: rest[..<length], as: UTF8.self)
            return (WireResponse(head: head, framedBody: body, body: body), String(decoding: rest[length...], as: UTF8.self))
        }
        guard head.header("transfer-encoding") == "chunked", let (body, used) = unchunk(rest) else { return nil }
        let framed = String(decoding: rest[..<used], as: UTF8.self)
        return (WireResponse(head: head, framedBody: framed, body: body), String(decoding: rest[used...], as: UTF8.self))
    }

    /// A chunked body's content and how many bytes its framing took.
    private static func unchunk(_ bytes: [UInt8]) -> (String, Int)? {
        var at = 0
        var body: [UInt8] = []
        while let lineEnd = bytes[at...].firstRange(of: Array("\r\n".utf8))?.lowerBound {
            guard let size = Int(String(decoding: bytes[at..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            let dataStart = lineEnd + 2
            guard bytes.count >= dataStart + size + 2 else { return nil }
            body += bytes[dataStart..<(dataStart + size)]
            at = dataStart + size + 2
            if size == 0 { return (String(decoding: body, as: UTF8.self), at) }
        }
        return nil
    }
}

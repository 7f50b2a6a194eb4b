@testable import HearthHTTP
import HearthTesting
import NIOCore
import NIOHTTP1
import Testing

/// The HTTP/1.1 connection at the byte level (issue 25, item 6): the real
/// `HTTPConnection` and pipeline on a `NIOAsyncTestingChannel`, fed the
/// client's bytes, its writes read back exactly.
@Suite(.timeLimit(.minutes(1)))
struct HTTP1ConnectionBytesTests {
    static let get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"

    // MARK: Persistence (RFC 9112 §9.3)

    @Test func twoRequestsOneConnection() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send(Self.get)
        let first = try await wire.response()
        #expect(first.status == 200)
        #expect(first.body == "hello\n")
        #expect(first.header("connection") == nil, "HTTP/1.1 persists without saying so")
        try await wire.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let second = try await wire.response()
        #expect(second.header("x-target") == "/b")
        #expect(wire.channel.isActive)
        #expect(await wire.clientLeaves())
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "close"),
        ("GET / HTTP/1.0\r\n\r\n", "close"),
    ])
    func aRequestThatEndsTheConnection(request: String, connection: String) async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send(request)
        let response = try await wire.response()
        #expect(response.header("connection") == connection)
        #expect(await wire.bytesUntilClose() == "", "nothing after the response")
        #expect(await wire.servingEnded())
    }

    @Test func http10KeepAliveIsHonouredAndSaid() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try await wire.response()
        #expect(response.head.statusLine.hasPrefix("HTTP/1.1 200"))
        #expect(response.header("connection")?.lowercased() == "keep-alive")
        #expect(wire.channel.isActive)
        #expect(await wire.clientLeaves())
    }

    @Test func theLastRequestAllowedSaysCloseAndCloses() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxRequestsPerConnection = 2
        let wire = try await WireConnection(responder: TextResponder(), configuration: configuration)
        try await wire.send(Self.get)
        #expect(try await wire.response().header("connection") == nil)
        try await wire.send(Self.get)
        #expect(try await wire.response().header("connection") == "close")
        #expect(await wire.servingEnded())
    }

    // MARK: Pipelining (RFC 9112 §9.3.2)

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send(
            "POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                + "POST /2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                + "POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree"
        )
        #expect(try await wire.response().body == "one")
        #expect(try await wire.response().body == "two")
        let last = try await wire.response()
        #expect(last.body == "three")
        #expect(last.header("connection") == "close")
        #expect(await wire.servingEnded())
    }

    @Test func anUnreadSmallBodyIsSkippedAndTheNextRequestServed() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody" + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await wire.response().header("x-target") == "/a")
        #expect(try await wire.response().header("x-target") == "/next", "the body was not read as a request")
        #expect(await wire.clientLeaves())
    }

    // MARK: 100-continue (RFC 9110 §10.1.1)

    @Test func continueIsSentOnlyWhenTheBodyIsRead() async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await wire.response()
        #expect(interim.head.statusLine == "HTTP/1.1 100 Continue")
        #expect(interim.head.headers.isEmpty)
        try await wire.send("hello")
        let final = try await wire.response()
        #expect(final.body == "hello")
        #expect(wire.channel.isActive)
        #expect(await wire.clientLeaves())
    }

    @Test func aResponseWithoutReadingTheBodyForgoesContinueAndCloses() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let final = try await wire.response()
        #expect(final.status == 200, "no 100 before it")
        #expect(final.header("connection") == "close")
        // Lingering: the server reads what the client still sends until the
        // client stops, and it never becomes a request.
        try await wire.send("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        await wire.halfClose()
        #expect(await wire.bytesUntilClose() == "")
        #expect(await wire.servingEnded())
    }

    // MARK: Framing (RFC 9112 §6)

    @Test func aStreamedBodyOfUnknownLengthIsChunked() async throws {
        let wire = try await WireConnection(responder: TextResponder(text: "streamed", chunked: true))
        try await wire.send(Self.get)
        let response = try await wire.response()
        #expect(response.header("transfer-encoding") == "chunked")
        #expect(response.header("content-length") == nil)
        #expect(response.framedBody == "8\r\nstreamed\r\n0\r\n\r\n")
        #expect(await wire.clientLeaves())
    }

    @Test func anHTTP10ClientGetsTheBodyEndedByTheClose() async throws {
        let wire = try await WireConnection(responder: TextResponder(text: "streamed", chunked: true))
        try await wire.send("GET / HTTP/1.0\r\n\r\n")
        let text = await wire.bytesUntilClose()
        #expect(!text.lowercased().contains("transfer-encoding"), "HTTP/1.0 has no chunked coding (RFC 9112 §7.1)")
        #expect(text.hasSuffix("\r\n\r\nstreamed"))
        #expect(await wire.servingEnded())
    }

    @Test func aHeadResponseHasTheLengthButNoBody() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + Self.get)
        let head = try await wire.response(toHead: true)
        #expect(head.header("content-length") == "6")
        let next = try await wire.response()
        #expect(next.body == "hello\n", "the next response starts right after the HEAD's head")
        #expect(await wire.clientLeaves())
    }

    @Test(arguments: [
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n",
    ])
    func ambiguousOrMalformedFramingIs400AndTheEnd(request: String) async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send(request + Self.get)
        let response = try await wire.response()
        #expect(response.status == 400)
        #expect(response.header("connection") == "close")
        await wire.halfClose()
        #expect(await wire.bytesUntilClose() == "", "what followed was never served")
        #expect(await wire.servingEnded())
    }

    @Test func aBadChunkSizeInsideTheBodyIs400() async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
        let response = try await wire.response()
        #expect(response.status == 400)
        #expect(response.header("connection") == "close")
    }

    // MARK: Half-close (RFC 9112 §9.6)

    @Test func aClientThatHalfClosesAfterItsRequestGetsTheWholeResponse() async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping")
        await wire.halfClose()
        let response = try await wire.response()
        #expect(response.status == 200)
        #expect(response.body == "ping")
        #expect(await wire.bytesUntilClose() == "")
        #expect(await wire.servingEnded(), "then the server closes: nothing more can come")
    }

    @Test func pipelinedRequestsBeforeAHalfCloseAreAllServed() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        try await wire.send(Self.get + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        await wire.halfClose()
        #expect(try await wire.response().header("x-target") == "/a")
        #expect(try await wire.response().header("x-target") == "/b")
        #expect(await wire.servingEnded())
    }

    @Test func aHalfCloseBetweenRequestsClosesWithoutAWord() async throws {
        let wire = try await WireConnection(responder: TextResponder())
        await wire.halfClose()
        #expect(await wire.bytesUntilClose() == "")
        #expect(await wire.servingEnded())
    }

    @Test func aHalfCloseInsideTheBodyIs400NotAShortBody() async throws {
        let wire = try await WireConnection(responder: EchoResponder())
        try await wire.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nshort")
        await wire.halfClose()
        let response = try await wire.response()
        #expect(response.status == 400)
        #expect(!response.body.contains("short"))
        #expect(await wire.servingEnded())
    }
}

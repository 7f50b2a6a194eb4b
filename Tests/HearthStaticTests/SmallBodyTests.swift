import Foundation
import HearthHTTP
@testable import HearthStatic
import HearthTesting
import NIOCore
import NIOHTTP1
import Testing

/// A small file leaves in one write with its head (`StaticReply.loaded`):
/// its bytes are read when the answer is planned. Read from the opened
/// descriptor, they must be exactly the size `fstat` gave the head; a file
/// caught changing size is planned again, and one that keeps changing is
/// 503, never a body that disagrees with its Content-Length.
@Suite struct SmallBodyTests {
    static let limit = StaticReply.smallBodyLimit

    static func request(_ method: HTTPMethod = .GET, _ fields: [(String, String)] = []) -> Request {
        Request(
            head: HTTPRequestHead(version: .http1_1, method: method, uri: "/f", headers: HTTPHeaders(fields)), body: .empty,
            connection: ConnectionInfo(remoteAddress: "127.0.0.1", remotePort: 50_000, localAddress: "127.0.0.1", localPort: 8080)
        )
    }

    /// The reply the static rules plan for `path`, as the responder does.
    static func plan(_ path: String, _ request: Request) throws(HTTPError) -> StaticReply {
        let file = try OpenFile.open(FileResolver.Target(resolved: path, requested: path))
        return try StaticFileResponder(configuration: StaticFilesConfiguration(root: "/"), logger: TestLog.logger("test")).reply(file, request: request)
    }

    static func append(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    @Test func aFileThatChangedSizeSinceItsStatIsNotRead() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f.txt", "0123456789")
        let grown = try OpenFile.open(FileResolver.Target(resolved: path, requested: path))
        #expect(grown.readWhole().map { String(buffer: $0) } == "0123456789")
        try Self.append(path, "more")
        #expect(grown.readWhole() == nil)
        let shrunk = try OpenFile.open(FileResolver.Target(resolved: path, requested: path))
        #expect(truncate(path, 5) == 0)  // in place: the same inode
        #expect(shrunk.readWhole() == nil)
    }

    /// Changed once between open and read: the second plan sees the new
    /// size, and the head and body agree on it.
    @Test func aFileCaughtChangingIsPlannedAgain() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f.txt", "first")
        var plans = 0
        let reply = try StaticReply.planned(for: Self.request()) { () throws(HTTPError) in
            plans += 1
            let reply = try Self.plan(path, Self.request())
            if plans == 1 { try? Self.append(path, " and more") }
            return reply
        }
        #expect(plans == 2)
        guard case .loaded(let body, let status, let headers) = reply else { Issue.record("not loaded: \(reply)"); return }
        #expect(String(buffer: body) == "first and more")
        #expect(status == .ok)
        #expect(headers.first(name: "etag")?.contains("-e-") == true)  // the size, 14, in hex
    }

    @Test func aFileThatKeepsChangingIsServiceUnavailable() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f.txt", "first")
        var plans = 0
        do {
            _ = try StaticReply.planned(for: Self.request()) { () throws(HTTPError) in
                plans += 1
                let reply = try Self.plan(path, Self.request())
                try? Self.append(path, "+")
                return reply
            }
            Issue.record("a torn file was served")
        } catch {
            #expect(error.status == .serviceUnavailable)
            #expect(error.extraHeaders.contains { $0.0 == "Retry-After" })
        }
        #expect(plans == 3)
    }

    /// Read for a GET up to the limit; HEAD, and anything larger, keep the
    /// file for its head alone or for sendfile.
    @Test func onlyASmallGETIsRead() throws {
        let dir = try TemporaryDirectory()
        let small = try dir.write("small.bin", [UInt8](repeating: 7, count: Self.limit))
        let large = try dir.write("large.bin", [UInt8](repeating: 7, count: Self.limit + 1))
        let range = Self.request(.GET, [("Range", "bytes=2-5")])
        func isLoaded(_ path: String, _ request: Request) throws -> Bool {
            let reply = try #require(try Self.plan(path, request).loadingSmallBody(for: request))
            if case .loaded = reply { return true }
            return false
        }
        #expect(try isLoaded(small, Self.request()))
        #expect(try isLoaded(small, range))
        #expect(try !isLoaded(small, Self.request(.HEAD)))
        #expect(try !isLoaded(large, Self.request()))
        #expect(try !isLoaded(large, range))
    }

    /// Over a real connection, around the limit: the bytes exact, the
    /// length right, HEAD without a body, a range its part.
    @Test(arguments: [1, 1024, limit - 1, limit, limit + 1])
    func bodiesAroundTheLimitArriveExact(size: Int) async throws {
        let site = try await StaticSite.start()
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        try site.write("f.bin", bytes)
        let whole = try await site.request("/f.bin")
        #expect(whole.status == 200)
        #expect(whole.body == bytes)
        #expect(whole.header("content-length") == String(size))
        let head = try await site.request("/f.bin", method: "HEAD")
        #expect(head.header("content-length") == String(size))
        #expect(head.body.isEmpty)
        let part = try await site.request("/f.bin", "Range: bytes=\(size / 2)-")
        #expect(part.status == 206)
        #expect(part.body == Array(bytes[(size / 2)...]))
        #expect(part.header("content-range") == "bytes \(size / 2)-\(size - 1)/\(size)")
        try await site.stop()
    }
}

import Foundation
import HearthStatic
import HearthTesting
import Logging

/// A live server with a `StaticFileResponder` over a fresh directory.
/// `www/` below the directory is the root; files beside it are outside the
/// root and must never be served. Files may be written after the start:
/// the responder looks every path up per request.
final class StaticSite {
    let dir: TemporaryDirectory
    let server: LiveServer
    var root: String { dir.path + "/www" }

    private init(dir: TemporaryDirectory, server: LiveServer) {
        self.dir = dir
        self.server = server
    }

    /// `forbidden` names directories below the root that hold scripts.
    static func start(urlPath: String = "/", forbidden: [String] = []) async throws -> StaticSite {
        let dir = try TemporaryDirectory()
        let root = dir.path + "/www"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let configuration = StaticFilesConfiguration(urlPath: urlPath, root: root, forbiddenRoots: forbidden.map { root + "/" + $0 })
        let responder = StaticFileResponder(configuration: configuration, logger: TestLog.logger("hearth.static.test"))
        return StaticSite(dir: dir, server: try await LiveServer.start(responder: responder))
    }

    /// Writes a file below the root.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try dir.write("www/" + name, text) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String { try dir.write("www/" + name, bytes) }

    /// A symlink below the root pointing at `destination` (an absolute path).
    func link(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/" + name, withDestinationPath: destination)
    }

    /// One request on a fresh connection; `fields` are extra header lines.
    func request(_ target: String, method: String = "GET", _ fields: String...) async throws -> RawResponse {
        let head = "\(method) \(target) HTTP/1.1\r\nHost: x\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
        return try await rawRequest(head, port: server.port, head: method == "HEAD")
    }

    func stop() async throws { try await server.stop() }
}


/// The 8-byte PNG signature and the IHDR chunk of a 1×1 RGBA image.
let pngBytes: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
    0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
]

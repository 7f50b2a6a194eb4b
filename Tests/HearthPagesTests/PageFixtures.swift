import Foundation
import HTTPTypes
import HearthPages
import HearthTesting
import HearthWeb
import NIOCore
import Synchronization

/// A document root of real files and the `ServerPages` over it, for the
/// tests that call the pages API without a server.
final class PageRoot {
    let dir: TemporaryDirectory
    let pages: ServerPages
    var root: String { dir.path }

    init() throws {
        dir = try TemporaryDirectory()
        pages = ServerPages(root: dir.path)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try dir.write(name, text) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String { try dir.write(name, bytes) }

    /// Rewrites `name` and sets its modification time explicitly, so a
    /// change is seen without sleeping past the file system's clock tick.
    func rewrite(_ name: String, _ text: String, modified seconds: TimeInterval) throws {
        let path = try dir.write(name, text)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: path)
    }

    func render(_ name: String, _ scope: [String: any Sendable] = [:]) throws -> String {
        try pages.render(name, scope: scope)
    }
}

/// A request as a page's scope sees it, without a server.
func pageRequest(
    _ method: HTTPRequest.Method = .get, _ target: String, fields: HTTPFields = [:], body: String? = nil,
    variables: [(name: String, value: String)] = []
) -> HearthRequest {
    let bytes = body.map { Array($0.utf8) }
    let sent = Sent(bytes)
    return HearthRequest(
        method: method, target: target, headerFields: fields,
        body: HearthRequestBody { sent.take() }, variables: CGIMetaVariables(variables)
    )
}

/// A body handed out once.
private final class Sent: Sendable {
    private let bytes: Mutex<[UInt8]?>
    init(_ bytes: [UInt8]?) { self.bytes = Mutex(bytes) }
    func take() -> ByteBuffer? {
        bytes.withLock { bytes in
            defer { bytes = nil }
            return bytes.map { ByteBuffer(bytes: $0) }
        }
    }
}

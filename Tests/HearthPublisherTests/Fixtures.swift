import Foundation
import HTTPTypes
import HearthAuth
import HearthPublisher
import HearthTesting
import HearthWeb
import Logging
import NIOCore

/// Hands out a body's chunks in order, as a transport would, and counts
/// the reads, so a test can tell whether the body was touched.
actor BodyChunks {
    private var chunks: ArraySlice<[UInt8]>
    private(set) var reads = 0
    init(_ chunks: [[UInt8]]) { self.chunks = chunks[...] }
    func next() -> ByteBuffer? {
        reads += 1
        return chunks.popFirst().map { ByteBuffer(bytes: $0) }
    }
}

/// A request as the hot adapter would build it for a publisher mounted at
/// `/api`: PATH_INFO is the rest of `target`'s path, decoded.
func publisherRequest(_ target: String, headers: HTTPFields = [:]) -> HearthRequest {
    publisherRequest(.get, target, headers: headers)
}

func publisherRequest(
    _ method: HTTPRequest.Method, _ target: String, contentType: String? = nil, body: String = "",
    headers: HTTPFields = [:], chunks: BodyChunks? = nil
) -> HearthRequest {
    var fields = headers
    if let contentType { fields[.contentType] = contentType }
    let path = String(target.prefix { $0 != "?" })
    let pathInfo = String(path.dropFirst("/api".count)).removingPercentEncoding ?? ""
    let queue = chunks ?? BodyChunks(body.isEmpty ? [] : [Array(body.utf8)])
    return HearthRequest(
        method: method, target: target, headerFields: fields, body: HearthRequestBody { await queue.next() },
        variables: CGIMetaVariables([("SCRIPT_NAME", "/api"), ("PATH_INFO", pathInfo), ("REMOTE_ADDR", "192.0.2.7")])
    )
}

/// A form body, urlencoded.
func post(_ target: String, _ body: String, headers: HTTPFields = [:]) -> HearthRequest {
    publisherRequest(.post, target, contentType: "application/x-www-form-urlencoded", body: body, headers: headers)
}

extension HearthResponse {
    var text: String {
        guard case .bytes(let buffer) = body else { return "<stream>" }
        return String(buffer: buffer)
    }

    var contentType: String? { headerFields[.contentType] }
}

/// `Authorization: Basic …` for `user:password`.
func basic(_ user: String, _ password: String) -> HTTPFields {
    [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

/// A publisher with one object, `name`, built by `build`.
func publisher(
    object name: String = "o", auth: BasicAuthenticator? = nil, logger: Logger? = nil,
    _ build: (inout PublishedObject) throws -> Void
) throws -> Publisher {
    var object = PublishedObject(auth: auth)
    try build(&object)
    var publisher = logger.map { Publisher(logger: $0) } ?? Publisher(logger: TestLog.logger())
    try publisher.publish(name, object)
    return publisher
}

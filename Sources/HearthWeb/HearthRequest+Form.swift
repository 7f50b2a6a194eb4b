import HTTPTypes
import NIOCore

extension HearthRequest {
    /// The request's form: the query string's fields, then — except for GET
    /// and HEAD, whose body is not read — the body's, by its Content-Type:
    /// `application/x-www-form-urlencoded` or `multipart/form-data`
    /// (RFC 7578). Any other body is left unread. Reads the body, which is
    /// single-pass: call this once. Malformed input is
    /// `HearthError.badRequest`; a limit exceeded is a 413 (`FormLimits`).
    public func form(limits: FormLimits = .init()) async throws -> HearthForm {
        var collector = FormCollector(limits: limits)
        try collector.addURLEncoded(queryString, from: "query string")
        guard method != .get, method != .head, let contentType = headerFields[.contentType] else { return collector.form }
        if let length = headerFields[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            throw HearthError.payloadTooLarge(limit: limits.maxBodyBytes)  // refused before reading a byte
        }
        let type = HeaderParameters(contentType[...])
        switch type.value {
        case "application/x-www-form-urlencoded":
            let bytes = try await body.collect(upTo: limits.maxBodyBytes)
            guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else { throw HearthError.badRequest("form body is not UTF-8") }
            try collector.addURLEncoded(text[...], from: "form body")
        case "multipart/form-data":
            try await readMultipart(boundary: type["boundary"], into: &collector)
        default:
            break
        }
        return collector.form
    }

    private func readMultipart(boundary: String?, into collector: inout FormCollector) async throws {
        guard let boundary else { throw HearthError.badRequest("multipart/form-data without a boundary parameter") }
        guard var parser = MultipartParser(boundary: boundary, maxHeaderBytes: collector.limits.maxPartHeaderBytes) else {
            throw HearthError.badRequest("multipart boundary must be 1 to 70 characters (RFC 2046 §5.1.1)")
        }
        let limit = collector.limits.maxBodyBytes
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            guard total <= limit else { throw HearthError.payloadTooLarge(limit: limit) }
            try parser.feed(chunk.readableBytesView) { try collector.handle($0) }
        }
        try parser.finish()
    }
}

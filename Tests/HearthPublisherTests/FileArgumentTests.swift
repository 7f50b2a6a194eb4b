import HTTPTypes
import HearthWeb
import Testing

@testable import HearthPublisher

/// `FileUpload` arguments from multipart/form-data (RFC 7578).
@Suite struct FileArgumentTests {
    struct Upload: Decodable, Sendable {
        var title: String
        var photo: FileUpload
        var extra: FileUpload?
        var more: [FileUpload]
    }

    static func multipart(_ parts: [(name: String, filename: String?, content: String)]) -> String {
        var body = ""
        for part in parts {
            body += "--XyZ\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { body += "; filename=\"\(filename)\"\r\nContent-Type: image/png" }
            body += "\r\n\r\n\(part.content)\r\n"
        }
        return body + "--XyZ--\r\n"
    }

    static func send(_ parts: [(name: String, filename: String?, content: String)]) async throws -> HearthResponse {
        let uploads = try publisher {
            try $0.publish("upload", methods: [.post]) { (upload: Upload) in
                let more = try upload.more.map { "\($0.filename)=\(String(buffer: try $0.contents()))" }
                return "\(upload.title): \(upload.photo.filename) \(upload.photo.contentType) \(upload.photo.size) "
                    + "\(String(buffer: try upload.photo.contents())) extra=\(upload.extra?.filename ?? "nil") more=\(more)"
            }
        }
        let request = publisherRequest(.post, "/api/o/upload", contentType: "multipart/form-data; boundary=XyZ", body: multipart(parts))
        return try await uploads.handle(request)
    }

    @Test func filesBindByFieldName() async throws {
        let response = try await Self.send([
            ("title", nil, "Holiday"), ("photo", "C:\\pics\\sea.png", "PNGDATA"), ("more", "a.png", "A"), ("more", "b.png", "B"),
        ])
        #expect(response.status == .ok)
        #expect(response.text == "Holiday: sea.png image/png 7 PNGDATA extra=nil more=[\"a.png=A\", \"b.png=B\"]")
    }

    @Test func aFileInputLeftEmptyIsAbsent() async throws {
        let optional = try await Self.send([("title", nil, "t"), ("photo", "p.png", "P"), ("extra", "", "")])
        #expect(optional.text.contains("extra=nil"))
        let required = try await Self.send([("title", nil, "t"), ("photo", "", "")])
        #expect(required.status == .badRequest && required.text == "400 Bad Request\nfield \"photo\": is required\n")
    }

    @Test func textWhereAFileBelongsAndAFileWhereTextBelongsAreNamed() async throws {
        let text = try await Self.send([("title", nil, "t"), ("photo", nil, "not a file")])
        #expect(text.text == "400 Bad Request\nfield \"photo\": must be a file upload\n")
        let file = try await Self.send([("title", "t.txt", "file"), ("photo", "p.png", "P")])
        #expect(file.text == "400 Bad Request\nfield \"title\": must be text, not a file\n")
    }
}

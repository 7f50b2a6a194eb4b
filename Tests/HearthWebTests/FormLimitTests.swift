#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import HearthTesting
import HearthWeb
import NIOCore
import Testing

private let disposition = "Content-Disposition: form-data; name="
private let multipart = "multipart/form-data; boundary=XyZ"

/// Default limits with one changed.
private func limited(_ change: (inout FormLimits) -> Void) -> FormLimits {
    var limits = FormLimits()
    change(&limits)
    return limits
}

@Suite("Forms: limits and spooling")
struct FormLimitTests {
    /// A fresh directory for spooled files, so a test can see them come and go.
    func spoolDirectory() -> String {
        var template = Array("/tmp/hearth-web-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func entries(_ directory: String) -> Int {
        guard let dir = opendir(directory) else { return -1 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }

    @Test func aFiveMebibyteFileIsSpooledAndRemovedWhenReleased() async throws {
        let directory = spoolDirectory()
        var limits = FormLimits()
        limits.spoolDirectory = directory
        let content = patternBytes(5 << 20)
        let head = Array("--XyZ\r\n\(disposition)\"up\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        let body = head + content + Array("\r\n--XyZ--\r\n".utf8)
        let chunks = stride(from: 0, to: body.count, by: 65_536).map { Array(body[$0..<min($0 + 65_536, body.count)]) }
        var form: HearthForm? = try await makeRequest(contentType: multipart, chunks: chunks).form(limits: limits)
        let file = try #require(form?.files("up").first)
        #expect(file.size == content.count)
        #expect(file.filename == "big.bin")
        #expect(file.path?.hasPrefix(directory + "/hearth-upload-") == true)
        // ByteBuffer equality is one memcmp (`elementsEqual` on the view took
        // seconds unoptimized); a Bool, so a failure prints no megabytes.
        let intact = try file.contents() == ByteBuffer(bytes: content)
        #expect(intact)
        #expect(entries(directory) == 1)
        form = nil
        _ = consume file
        #expect(entries(directory) == 0)
    }

    @Test func aSmallFileStaysInMemory() async throws {
        let body = multipartBody(parts: [(["\(disposition)\"up\"; filename=\"s.txt\""], String(repeating: "x", count: 65_536))])
        let file = try #require(try await makeRequest(contentType: multipart, chunks: [body]).form().files("up").first)
        #expect(file.path == nil)
        #expect(file.size == 65_536)
    }

    @Test func aBodyThatFailsHalfWayLeavesNoSpoolBehind() async throws {
        let directory = spoolDirectory()
        var limits = FormLimits()
        limits.spoolDirectory = directory
        limits.memoryThreshold = 10
        let body = multipartBody(parts: [(["\(disposition)\"up\"; filename=\"a\""], String(repeating: "y", count: 1000))], close: false)
        await #expect(throws: HearthError.badRequest("multipart body ends before its final boundary")) {
            try await makeRequest(contentType: multipart, chunks: [body]).form(limits: limits)
        }
        #expect(entries(directory) == 0)
    }

    static let tooLarge = HTTPResponse.Status.contentTooLarge

    @Test(arguments: [
        ("maxFields", limited { $0.maxFields = 2 }, "a=1&b=2&c=3", HearthError.status(tooLarge, "form limit maxFields (2) exceeded")),
        ("maxNameBytes", limited { $0.maxNameBytes = 3 }, "abcd=1", .status(tooLarge, "form limit maxNameBytes (3) exceeded")),
        ("maxValueBytes", limited { $0.maxValueBytes = 3 }, "a=1234", .status(tooLarge, "form limit maxValueBytes (3) exceeded by field \"a\"")),
        ("maxBodyBytes", limited { $0.maxBodyBytes = 5 }, "a=1&b=2", .payloadTooLarge(limit: 5)),
    ] as [(String, FormLimits, String, HearthError)])
    func urlencodedLimit(_ name: String, _ limits: FormLimits, _ body: String, _ error: HearthError) async throws {
        let request = makeRequest(contentType: "application/x-www-form-urlencoded", chunks: [Array(body.utf8)])
        await #expect(throws: error) { try await request.form(limits: limits) }
    }

    @Test(arguments: [
        ("maxFields", limited { $0.maxFields = 1 }, HearthError.status(tooLarge, "form limit maxFields (1) exceeded")),
        ("maxNameBytes", limited { $0.maxNameBytes = 1 }, .status(tooLarge, "form limit maxNameBytes (1) exceeded")),
        ("maxValueBytes", limited { $0.maxValueBytes = 4 }, .status(tooLarge, "form limit maxValueBytes (4) exceeded by field \"bb\"")),
        ("maxFiles", limited { $0.maxFiles = 1 }, .status(tooLarge, "form limit maxFiles (1) exceeded")),
        ("maxPartHeaderBytes", limited { $0.maxPartHeaderBytes = 60 }, .status(tooLarge, "form limit maxPartHeaderBytes (60) exceeded")),
        ("maxBodyBytes", limited { $0.maxBodyBytes = 100 }, .payloadTooLarge(limit: 100)),
    ] as [(String, FormLimits, HearthError)])
    func multipartLimit(_ name: String, _ limits: FormLimits, _ error: HearthError) async throws {
        let body = multipartBody(parts: [
            (["\(disposition)\"a\""], "1"), (["\(disposition)\"bb\""], "12345"),
            (["\(disposition)\"f\"; filename=\"x\""], "x"), (["\(disposition)\"g\"; filename=\"y\"", "Content-Type: application/octet-stream"], "y"),
        ])
        for (feeding, chunks) in [("whole", [body]), ("byte at a time", body.map { [$0] })] {
            let request = makeRequest(contentType: multipart, chunks: chunks)
            await #expect(throws: error, "\(feeding)") { try await request.form(limits: limits) }
        }
    }

    @Test func aDeclaredContentLengthOverTheLimitIsRefusedBeforeReading() async throws {
        var limits = FormLimits()
        limits.maxBodyBytes = 10
        let request = makeRequest(contentType: multipart, chunks: [], extraFields: [.contentLength: "11"])
        await #expect(throws: HearthError.payloadTooLarge(limit: 10)) { try await request.form(limits: limits) }
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let limits = FormLimits()
        #expect(limits.maxBodyBytes == 16 * 1024 * 1024)
        #expect(limits.maxFields == 1000)
        #expect(limits.maxNameBytes == 1024)
        #expect(limits.maxValueBytes == 1024 * 1024)
        #expect(limits.maxFiles == 20)
        #expect(limits.maxPartHeaderBytes == 8 * 1024)
        #expect(limits.memoryThreshold == 64 * 1024)
        #expect(limits.spoolDirectory == nil)
    }
}

import HearthStatic
import HearthTesting
import Testing

/// The 8-byte PNG signature and an IHDR chunk for a 1×1 RGBA image.
private let pngHeader: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
    0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
]

@Suite struct ContentSnifferTests {
    let sniffer: ContentSniffer
    let dir: TemporaryDirectory

    init() throws {
        sniffer = try #require(ContentSniffer())
        dir = try TemporaryDirectory()
    }

    @Test func pngBytesAreImagePNG() throws {
        let path = try dir.write("picture", pngHeader)
        #expect(sniffer.mimeType(ofFile: path) == "image/png")
    }

    @Test func asciiTextIsTextPlain() throws {
        let path = try dir.write("notes", "Plain words, nothing else.\nA second line.\n")
        #expect(sniffer.mimeType(ofFile: path) == "text/plain; charset=us-ascii")
    }

    @Test func shellScriptWithCRLFIsDescribedSo() throws {
        let path = try dir.write("run", "#!/bin/sh\r\necho hello\r\n", mode: 0o755)
        let description = try #require(sniffer.description(ofFile: path))
        #expect(description.contains("shell script"))
        #expect(description.contains("with CRLF line terminators"))
    }

    @Test func missingFileHasNoAnswer() {
        #expect(sniffer.mimeType(ofFile: dir.path + "/absent") == nil)
        #expect(sniffer.description(ofFile: dir.path + "/absent") == nil)
    }

    /// libmagic handles are not thread-safe: many tasks switching the one
    /// handle between MIME and description mode must each get their own answer.
    @Test func concurrentCallsKeepTheirMode() async throws {
        let png = try dir.write("concurrent", pngHeader)
        let sniffer = self.sniffer
        let answers = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    index.isMultiple(of: 2)
                        ? sniffer.mimeType(ofFile: png) == "image/png"
                        : sniffer.description(ofFile: png)?.hasPrefix("PNG image data") == true
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 200 && answers.allSatisfy { $0 })
    }

    @Test func contentTypePrefersTheExtension() throws {
        let path = try dir.write("style.CSS", "body { color: red }\n")
        #expect(contentType(forFile: path) == "text/css; charset=utf-8")
    }

    @Test func contentTypeSniffsWhatTheNameDoesNotSay() throws {
        #expect(contentType(forFile: try dir.write("logo.cgi-cache", pngHeader)) == "image/png")
        #expect(contentType(forFile: try dir.write("blob", [0x00, 0x01, 0xFE, 0xFF, 0x13, 0x37])) == "application/octet-stream")
        #expect(contentType(forFile: dir.path + "/absent") == "application/octet-stream")
    }
}

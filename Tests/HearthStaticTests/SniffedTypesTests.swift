import Foundation
@testable import HearthStatic
import HearthTesting
import Testing

/// libmagic's answer is remembered per file version, and only that long.
@Suite struct SniffedTypesTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]

    @Test func aChangedFileIsSniffedAgain() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("picture", Self.png)
        let types = SniffedTypes()
        #expect(types.contentType(forFile: path, entityTag: "\"v1\"") == "image/png")
        // Same version: the remembered answer, even though the bytes changed
        // behind its back (the tag is what says a file changed).
        try directory.write("picture", Array("plain words\n".utf8))
        #expect(types.contentType(forFile: path, entityTag: "\"v1\"") == "image/png")
        // A new version is sniffed again.
        #expect(types.contentType(forFile: path, entityTag: "\"v2\"").hasPrefix("text/plain"))
    }
}

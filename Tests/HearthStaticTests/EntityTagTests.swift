@testable import HearthStatic
import Testing

/// The entity tag is formatted by hand (`FileStatus.entityTag`); it must
/// stay the tag `String(_:radix:)` made, or every cached copy a client
/// holds would miss once after an upgrade.
@Suite struct EntityTagTests {
    @Test(arguments: [
        (UInt64(0), UInt64(0), UInt64(0)), (1, 15, 16), (0xf8a317, 1024, 1_765_141_200_123_456_789), (.max, .max, .max), (0x10, 0xabc, 0xFFFF_FFFF),
    ])
    func theTagIsTheRadixFormatting(inode: UInt64, size: UInt64, nanoseconds: UInt64) {
        let expected = "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(nanoseconds, radix: 16))\""
        #expect(FileStatus.entityTag(inode, size, nanoseconds) == expected)
    }
}

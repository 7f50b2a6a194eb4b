#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A file region read with pread(2) into buffers, for a connection that
/// cannot take sendfile (TLS).
enum FileRegionCopy {
    static let chunk = 64 * 1024

    static func send(_ region: FileRegion, write: (ByteBuffer) async throws -> Void) async throws {
        var offset = region.readerIndex
        while offset < region.endIndex {
            let count = min(chunk, region.endIndex - offset)
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            let read = try region.fileHandle.withUnsafeFileDescriptor { fd in
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                    max(0, pread(fd, pointer.baseAddress, count, off_t(offset)))
                }
            }
            guard read > 0 else { throw IOError(errnoCode: EIO, reason: "pread: the file is shorter than its region") }
            offset += read
            try await write(buffer)
        }
    }
}

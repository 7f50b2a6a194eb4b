#if canImport(Glibc)
import Glibc
#endif
import HearthHTTP
import NIOCore

/// A file opened for one response. The validators come from `fstat` on the
/// descriptor, so they describe the very bytes that are sent even if the
/// path is replaced meanwhile. Used by one task; closed exactly once.
final class OpenFile {
    let descriptor: CInt
    let status: FileStatus
    let target: FileResolver.Target
    private var isOpen = true

    private init(descriptor: CInt, status: FileStatus, target: FileResolver.Target) {
        self.descriptor = descriptor
        self.status = status
        self.target = target
    }

    /// O_NOFOLLOW: the path was resolved already, so a symlink here means it
    /// was swapped since; O_NONBLOCK: opening a FIFO must not hang (it is
    /// refused as not a regular file).
    static let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK

    static func open(_ target: FileResolver.Target) throws(HTTPError) -> OpenFile {
        let fd = Glibc.open(target.resolved, flags)
        guard fd >= 0 else {
            let reason = errno
            throw HTTPError(reason == EACCES ? .forbidden : .notFound, "\(target.requested): \(String(cString: strerror(reason)))")
        }
        return try status(of: fd, target: target)
    }

    /// The file `segments` name when no symlink lies on its way
    /// (`FileResolver.openPlain`); nil leaves it to `resolve` and `open`.
    static func openPlain(_ segments: [String], resolver: FileResolver) throws(HTTPError) -> OpenFile? {
        guard let (target, fd) = try resolver.openPlain(segments, flags: flags) else { return nil }
        return try status(of: fd, target: target)
    }

    private static func status(of fd: CInt, target: FileResolver.Target) throws(HTTPError) -> OpenFile {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            Glibc.close(fd)
            throw HTTPError(.notFound, "\(target.requested): fstat failed")
        }
        return OpenFile(descriptor: fd, status: FileStatus(info), target: target)
    }

    /// Sends `range` of the file zero-copy (sendfile) and closes it; the
    /// body writer returns only once the region is out, so the descriptor
    /// is no longer in use when it closes.
    func send(_ range: Range<Int>, through body: ResponseBodyWriter) async throws {
        isOpen = false
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        defer { try? handle.close() }
        try await body.write(fileRegion: FileRegion(fileHandle: handle, readerIndex: range.lowerBound, endIndex: range.upperBound))
    }

    /// The whole file, read now; nil when it is no longer the size its
    /// `fstat` said (it is being rewritten), so that a body never
    /// disagrees with the length and validators planned from that size.
    /// One byte more than the size is asked for, to see a file that grew.
    func readWhole() -> ByteBuffer? {
        let size = status.size
        var buffer = ByteBufferAllocator().buffer(capacity: size + 1)
        var total = 0
        while total <= size {
            let wanted = size + 1 - total
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { pointer in
                max(0, pread(descriptor, pointer.baseAddress, wanted, off_t(total)))
            }
            guard read > 0 else { break }
            total += read
            // Short at the size fstat gave: the end of the file, without a
            // second pread to be told so.
            if read < wanted && total == size { break }
        }
        return total == size ? buffer : nil
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(descriptor)
    }

    deinit { close() }
}

#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn
import HearthHTTP
import NIOCore

/// Where a script's stdin comes from.
package enum ScriptInput {
    /// No body: stdin is /dev/null (an empty pipe would cost a pipe and
    /// its registration per request, for the same end of file).
    case none
    /// A body of known length, streamed from the socket as the script reads.
    case stream(RequestBody, length: Int)
    /// A de-chunked body held in memory.
    case memory(ByteBuffer)
    /// A de-chunked body spooled to an unlinked temporary file, handed to
    /// the script as its stdin directly.
    case file(Int32, length: Int)

    package var length: Int? {
        switch self {
        case .none: nil
        case .stream(_, let length), .file(_, let length): length
        case .memory(let buffer): buffer.readableBytes
        }
    }

    /// What the script gets as stdin directly, with no pipe to feed.
    package var stdinFile: Int32? {
        switch self {
        case .none: NullDevice.readable
        case .file(let fd, _): fd
        case .stream, .memory: nil
        }
    }

    package func close() {
        if case .file(let fd, _) = self { Glibc.close(fd) }
    }
}

/// One descriptor of /dev/null for the life of the server, shared by every
/// script without a body (the spawn dup2s it; the original stays here).
/// nil if it cannot be opened: the script then gets an empty pipe.
enum NullDevice {
    static let readable: Int32? = {
        let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }()
}

extension ScriptInput {
    /// RFC 3875 §4.2: the script gets CONTENT_LENGTH bytes; a chunked body
    /// is de-chunked first (or refused with 411 where the mount says so).
    package static func prepare(
        for request: Request, maxBodyBytes: Int, spoolThreshold: Int, chunkedBodies: CGIMountConfiguration.ChunkedBodies
    ) async throws -> ScriptInput {
        request.body.limit(to: maxBodyBytes)
        if request.isChunked {
            guard chunkedBodies == .dechunk else { throw HTTPError(.lengthRequired, "chunked request body refused by this mount") }
            return try await BodySpool.collect(request.body, threshold: spoolThreshold, limit: maxBodyBytes)
        }
        guard let length = request.contentLength else { return .none }
        guard length <= maxBodyBytes else { throw HTTPError(.payloadTooLarge, "Content-Length \(length) over \(maxBodyBytes)") }
        return .stream(request.body, length: length)
    }
}

/// Reads a chunked body to its end so CONTENT_LENGTH can be set (RFC 3875
/// §4.2): in memory up to a threshold, then in a temporary file.
package enum BodySpool {
    package static func collect(_ body: RequestBody, threshold: Int, limit: Int) async throws -> ScriptInput {
        var memory = ByteBuffer()
        var file: Int32?
        var length = 0
        do {
            for try await chunk in body {
                length += chunk.readableBytes
                guard length <= limit else { throw HTTPError(.payloadTooLarge, "chunked request body over \(limit) bytes") }
                if file == nil && length > threshold {
                    file = try makeTemporaryFile()
                    try writeAll(memory, to: file!)
                    memory = ByteBuffer()
                }
                if let file { try writeAll(chunk, to: file) } else { memory.writeImmutableBuffer(chunk) }
            }
        } catch {
            if let file { Glibc.close(file) }
            throw error
        }
        guard let file else { return .memory(memory) }
        lseek(file, 0, SEEK_SET)
        return .file(file, length: length)
    }

    /// An anonymous file: unlinked at once, gone when the last fd closes.
    private static func makeTemporaryFile() throws -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let fd = hearth_open_tmpfile(directory)
        guard fd >= 0 else { throw HTTPError(.internalServerError, "cannot create a spool file in \(directory): errno \(errno)") }
        return fd
    }

    private static func writeAll(_ buffer: ByteBuffer, to fd: Int32) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { throw HTTPError(.internalServerError, "writing the spool file failed: errno \(errno)") }
                offset += written
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// An error of the spool's own file I/O. Not a `HearthError`: the client
/// gets a plain 500 and the log gets the errno (ErrorMapping).
struct SpoolError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let code: Int32
    var description: String { "upload spool: \(operation) \(path): \(String(cString: strerror(code)))" }
}

/// A file part's bytes as they arrive: in memory up to the threshold, then
/// in a `mkstemp(3)` file (mode 0600, so other local users cannot read it).
/// The spool owns the file until `finish` hands it to a `HearthUploadedFile`;
/// an abandoned spool (a body that failed half-way) removes it in `deinit`.
final class SpoolFile {
    private var memory: [UInt8] = []
    private var descriptor: Int32 = -1
    private(set) var path: String?
    private(set) var size = 0
    private let threshold: Int
    private let directory: String

    init(threshold: Int, directory: String?) {
        self.threshold = threshold
        self.directory = directory ?? SpoolFile.defaultDirectory()
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if let path { unlink(path) }
    }

    func append(_ bytes: ArraySlice<UInt8>) throws {
        size += bytes.count
        if descriptor < 0 && memory.count + bytes.count <= threshold {
            memory.append(contentsOf: bytes)
            return
        }
        if descriptor < 0 {
            try create()
            try writeAll(memory[...])
            memory = []
        }
        try writeAll(bytes)
    }

    /// The storage for the finished file; the spool no longer owns it.
    func finish() throws -> HearthUploadedFile.Storage {
        guard let path, descriptor >= 0 else { return .memory(ByteBuffer(bytes: memory)) }
        close(descriptor)
        descriptor = -1
        self.path = nil
        return .disk(path: path)
    }

    private func create() throws {
        var template = Array("\(directory)/hearth-upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        guard fd >= 0 else { throw SpoolError(operation: "mkstemp", path: name, code: errno) }
        descriptor = fd
        path = name
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw SpoolError(operation: "write", path: path ?? "", code: errno) }
                offset += written
            }
        }
    }

    static func readAll(path: String, size: Int) throws -> ByteBuffer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SpoolError(operation: "read", path: path, code: errno) }
            if count == 0 { return buffer }
            buffer.writeBytes(chunk[..<count])
        }
    }

    private static func defaultDirectory() -> String {
        guard let tmp = getenv("TMPDIR"), tmp.pointee != 0 else { return "/tmp" }
        return String(cString: tmp)
    }
}

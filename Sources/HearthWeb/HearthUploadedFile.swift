#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A file from a multipart/form-data body (RFC 7578 §4.2): the field it came
/// in, the name and type the client gave, and its bytes — in memory when
/// small, else in a temporary file that is removed when the last reference
/// to this value goes away. Move the file (`rename(2)` from `path`) to keep
/// it: the removal then finds nothing to remove.
public final class HearthUploadedFile: Sendable {
    /// The form field's name.
    public let fieldName: String
    /// The client's file name, directory parts removed (RFC 7578 §4.2); ""
    /// when the client sent an empty one (a file input left empty).
    public let filename: String
    /// The part's Content-Type; `text/plain` when it had none (RFC 7578 §4.4).
    public let contentType: String
    /// The size in bytes.
    public let size: Int
    let storage: Storage

    enum Storage: Sendable {
        case memory(ByteBuffer)
        case disk(path: String)
    }

    init(fieldName: String, filename: String, contentType: String, size: Int, storage: Storage) {
        self.fieldName = fieldName
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.storage = storage
    }

    deinit {
        if case .disk(let path) = storage { unlink(path) }
    }

    /// The temporary file holding the bytes, or nil while they are in memory.
    public var path: String? {
        if case .disk(let path) = storage { return path }
        return nil
    }

    /// The whole file. For a large spooled file prefer reading `path`.
    public func contents() throws -> ByteBuffer {
        switch storage {
        case .memory(let buffer): return buffer
        case .disk(let path): return try SpoolFile.readAll(path: path, size: size)
        }
    }
}

import HearthWeb
import NIOCore

/// The arguments of a function that takes none. Its form is not read, so
/// the body is left for the function (one that asks for the request may
/// read it itself).
public struct NoArguments: Decodable, Sendable {
    public init() {}
}

/// An uploaded file as an argument: a property of this type binds the
/// multipart/form-data file part of the same name (RFC 7578 §4.2). A file
/// input left empty (no file name, no bytes) counts as absent, so
/// `FileUpload?` is nil for it and `FileUpload` is a 400.
public struct FileUpload: Decodable, Sendable {
    /// The upload itself; its temporary file lives as long as it does.
    public let file: HearthUploadedFile

    /// The client's file name, directory parts removed.
    public var filename: String { file.filename }
    /// The part's Content-Type (`text/plain` when it had none).
    public var contentType: String { file.contentType }
    public var size: Int { file.size }

    public init(from decoder: any Decoder) throws {
        guard let field = decoder as? FieldDecoder else {
            throw UnsupportedArgument(field: decoder.codingPath.first?.stringValue ?? "", detail: "FileUpload decodes from a form only")
        }
        file = try field.file()
    }

    /// The whole file (`HearthUploadedFile.contents()`).
    public func contents() throws -> ByteBuffer { try file.contents() }
}

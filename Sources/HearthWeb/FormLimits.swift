/// The limits a form is read under. Every field has a default that suits a
/// small site; raise them per handler (`request.form(limits:)`), never
/// globally. A body over `maxBodyBytes` is `HearthError.payloadTooLarge`;
/// every other limit is a 413 (`HearthError.status(.contentTooLarge, …)`)
/// whose message names the limit, for the log.
public struct FormLimits: Sendable, Equatable {
    /// The whole body, multipart framing included. Default 16 MiB.
    public var maxBodyBytes: Int = 16 << 20
    /// Name/value pairs: query string, urlencoded pairs and multipart text
    /// fields together. Default 1000 (PHP's `max_input_vars`).
    public var maxFields: Int = 1000
    /// One field name, in bytes. Default 1 KiB.
    public var maxNameBytes: Int = 1 << 10
    /// One text field's value, in bytes. Default 1 MiB.
    public var maxValueBytes: Int = 1 << 20
    /// File parts in a multipart body. Default 20 (PHP's `max_file_uploads`).
    public var maxFiles: Int = 20
    /// One part's header block (RFC 7578 §4.8: only Content-Disposition,
    /// Content-Type and Content-Transfer-Encoding matter). Default 8 KiB.
    public var maxPartHeaderBytes: Int = 8 << 10
    /// A file part stays in memory up to this size, then spools to disk.
    /// Default 64 KiB.
    public var memoryThreshold: Int = 64 << 10
    /// Where spooled files go. Default `$TMPDIR`, else `/tmp`.
    public var spoolDirectory: String? = nil

    public init() {}
}

extension FormLimits {
    /// The 413 for a limit other than the body size, naming it for the log.
    static func exceeded(_ limit: String, _ value: Int, _ detail: String = "") -> HearthError {
        .status(.contentTooLarge, "form limit \(limit) (\(value)) exceeded\(detail)")
    }
}

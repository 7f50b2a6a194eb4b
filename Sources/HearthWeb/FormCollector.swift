import HearthCGI

/// Builds a `HearthForm` from urlencoded text and multipart events, holding
/// every limit but the body size (the reader counts that).
struct FormCollector {
    let limits: FormLimits
    private(set) var form = HearthForm()
    private var fieldCount = 0
    private var fileCount = 0
    private var current: Part?

    private enum Part {
        case text(name: String, value: [UInt8])
        case file(MultipartPartHead, SpoolFile)
    }

    init(limits: FormLimits) {
        self.limits = limits
    }

    /// `name=value&…` (WHATWG URL "application/x-www-form-urlencoded
    /// parsing", after RFC 1866 §8.2.1): `&` separates, the first `=`
    /// splits, `+` is a space, `%XX` a byte; empty pieces are skipped and a
    /// piece without `=` is a name with an empty value.
    mutating func addURLEncoded(_ text: Substring, from source: String) throws {
        for piece in text.split(separator: "&") {
            let equals = piece.firstIndex(of: "=") ?? piece.endIndex
            guard let name = PercentDecoding.decode(piece[..<equals], plusAsSpace: true),
                  let value = PercentDecoding.decode(piece[equals...].dropFirst(), plusAsSpace: true) else {
                throw HearthError.badRequest("bad percent-encoding (or not UTF-8) in the \(source)")
            }
            try countField(name)
            guard value.utf8.count <= limits.maxValueBytes else { throw FormLimits.exceeded("maxValueBytes", limits.maxValueBytes, " by field \"\(name)\"") }
            form.append(name: name, value: value)
        }
    }

    mutating func handle(_ event: MultipartEvent) throws {
        switch (event, current) {
        case (.partStart(let head), _):
            try start(head)
        case (.data(let bytes), .text(let name, var value)?):
            guard value.count + bytes.count <= limits.maxValueBytes else { throw FormLimits.exceeded("maxValueBytes", limits.maxValueBytes, " by field \"\(name)\"") }
            current = nil  // keeps `value` uniquely referenced while it grows
            value.append(contentsOf: bytes)
            current = .text(name: name, value: value)
        case (.data(let bytes), .file(_, let spool)?):
            try spool.append(bytes)
        case (.partEnd, .text(let name, let value)?):
            guard let text = String(validating: value, as: UTF8.self) else { throw HearthError.badRequest("form field \"\(name)\" is not UTF-8") }
            form.append(name: name, value: text)
            current = nil
        case (.partEnd, .file(let head, let spool)?):
            form.append(HearthUploadedFile(fieldName: head.name, filename: head.filename ?? "", contentType: head.contentType, size: spool.size, storage: try spool.finish()))
            current = nil
        case (.data, nil), (.partEnd, nil):
            break  // the parser never sends these outside a part
        }
    }

    private mutating func start(_ head: MultipartPartHead) throws {
        if head.filename == nil {
            try countField(head.name)
            current = .text(name: head.name, value: [])
        } else {
            try checkName(head.name)
            fileCount += 1
            guard fileCount <= limits.maxFiles else { throw FormLimits.exceeded("maxFiles", limits.maxFiles) }
            current = .file(head, SpoolFile(threshold: limits.memoryThreshold, directory: limits.spoolDirectory))
        }
    }

    private mutating func countField(_ name: String) throws {
        try checkName(name)
        fieldCount += 1
        guard fieldCount <= limits.maxFields else { throw FormLimits.exceeded("maxFields", limits.maxFields) }
    }

    private func checkName(_ name: String) throws {
        guard name.utf8.count <= limits.maxNameBytes else { throw FormLimits.exceeded("maxNameBytes", limits.maxNameBytes) }
    }
}

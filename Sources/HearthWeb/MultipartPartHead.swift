/// The head of one multipart/form-data part (RFC 7578 §4.2, §4.4).
struct MultipartPartHead: Equatable {
    var name: String
    /// Present (perhaps "") for a file part, nil for a text field.
    var filename: String?
    var contentType: String

    init(name: String, filename: String? = nil, contentType: String = "text/plain") {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// From the header block's bytes, CRLF-separated lines without the
    /// empty line that ends it.
    init(headerBlock: ArraySlice<UInt8>) throws {
        guard let text = String(validating: headerBlock, as: UTF8.self) else {
            throw HearthError.badRequest("multipart part head is not UTF-8")
        }
        var disposition: HeaderParameters?
        var contentType = "text/plain"  // §4.4: the default
        for line in MultipartPartHead.unfoldedLines(text) {
            // A bare CR or LF would end up inside a name or file name.
            guard !line.contains(where: { $0 == "\r" || $0 == "\n" }) else { throw HearthError.badRequest("multipart part header with a bare CR or LF") }
            guard let colon = line.firstIndex(of: ":") else { throw HearthError.badRequest("multipart part header line without a colon") }
            let value = line[line.index(after: colon)...].trimmingOWS()
            switch line[..<colon].trimmingOWS().lowercased() {
            case "content-disposition": disposition = HeaderParameters(value)
            case "content-type": contentType = String(value)
            default: break  // §4.8: no other header matters
            }
        }
        guard let disposition, disposition.value == "form-data", let name = disposition["name"] else {
            throw HearthError.badRequest("multipart part without Content-Disposition: form-data; name=…")
        }
        self.init(name: name, filename: MultipartPartHead.filename(disposition), contentType: contentType)
    }

    /// `filename*` (RFC 8187) wins over `filename` when both decode; either
    /// loses its directory parts (§4.2: receivers must not use them).
    private static func filename(_ disposition: HeaderParameters) -> String? {
        let name = disposition["filename*"].flatMap(HeaderParameters.extendedValue) ?? disposition["filename"]
        guard let name else { return nil }
        return String(name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last ?? "")
    }

    /// Header lines, with obs-fold continuations (RFC 5322 §2.2.3) joined.
    private static func unfoldedLines(_ text: String) -> [String] {
        var lines: [String] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            if line.first == " " || line.first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingOWS()
            } else {
                lines.append(String(line))
            }
        }
        return lines
    }
}
